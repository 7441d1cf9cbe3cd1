import { randomBytes } from 'node:crypto';
import type { Address, Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { toHex } from '../hash/hex.js';
import { computeLeaf } from '../leaf/computeLeaf.js';
import type { LeafFields } from '../leaf/LeafFields.js';
import { buildMerkleTree } from '../merkle/buildMerkleTree.js';
import { buildReceipt } from '../receipt/buildReceipt.js';
import type { Receipt } from '../receipt/receiptSchema.js';
import type { RegistryReader } from './types.js';
import { verifyDocument } from './verifyDocument.js';

const rand = (n: number) => toHex(randomBytes(n));
const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address;
const ISSUER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as Address;

/** An in-memory registry: what the chain would answer. */
function fakeChain(state: {
  roots?: Hex[];
  revoked?: Hex[];
  issuers?: Address[];
  chainId?: number;
  down?: boolean;
}): RegistryReader {
  const guard = () => {
    if (state.down) throw new Error('fetch failed: connect ECONNREFUSED 127.0.0.1:1');
  };
  return {
    chainId: () => Promise.resolve().then(() => (guard(), state.chainId ?? 31337)),
    rootInfo: (_r, root) =>
      Promise.resolve().then(() => {
        guard();
        const known = state.roots?.includes(root);
        return known
          ? { anchorer: ISSUER, anchoredAt: 1_764_000_100, blockNumber: 7, leafCount: 3 }
          : {
              anchorer: '0x0000000000000000000000000000000000000000',
              anchoredAt: 0,
              blockNumber: 0,
              leafCount: 0,
            };
      }),
    revocation: (_r, leaf) =>
      Promise.resolve().then(
        () => (
          guard(),
          state.revoked?.includes(leaf)
            ? { revokedAt: 1_764_000_200, reason: 2 }
            : { revokedAt: 0, reason: 0 }
        ),
      ),
    isIssuer: (_r, account) =>
      Promise.resolve().then(() => (guard(), (state.issuers ?? [ISSUER]).includes(account))),
  };
}

function issue(): { receipt: Receipt; docHash: Hex } {
  const docs: LeafFields[] = [0, 1, 2].map((i) => ({
    docHash: rand(32),
    salt: rand(32),
    patientRef: rand(32),
    issuer: ISSUER,
    docType: 'certificate',
    issuedAt: 1_764_000_000 + i,
  }));
  const leaves = docs.map(computeLeaf);
  const tree = buildMerkleTree(leaves);
  const receipt = buildReceipt(docs[1]!, leaves[1]!, {
    root: tree.root,
    proof: tree.proofAt(1),
    chainId: 31337,
    registry: REGISTRY,
    txHash: rand(32),
    blockNumber: 7,
  });
  return { receipt, docHash: docs[1]!.docHash };
}

describe('verifyDocument', () => {
  const { receipt, docHash } = issue();
  const anchored = fakeChain({ roots: [receipt.root] });

  it('VALID when every check passes, with the anchor facts', async () => {
    const v = await verifyDocument({ docHash, receipt, reader: anchored, trust: { registry: REGISTRY } });
    expect(v.verdict).toBe('VALID');
    expect(v.checks.every((c) => c.status === 'VALID')).toBe(true);
    expect(v.anchor).toMatchObject({ blockNumber: 7, root: receipt.root, chainId: 31337 });
  });

  it('TAMPERED when one byte of the file differs, without asking the chain', async () => {
    const other = `${docHash.slice(0, -1)}${docHash.endsWith('0') ? '1' : '0'}` as Hex;
    const v = await verifyDocument({ docHash: other, receipt, reader: fakeChain({ down: true }) });
    expect(v).toMatchObject({ verdict: 'TAMPERED', code: 'TAMPERED' });
    expect(v.checks.find((c) => c.check === 'rootAnchored')?.status).toBe('SKIPPED');
  });

  it('TAMPERED when a receipt field was edited (issuer date moved)', async () => {
    const v = await verifyDocument({
      docHash,
      receipt: { ...receipt, issuedAt: receipt.issuedAt - 86_400 },
      reader: anchored,
    });
    expect(v.verdict).toBe('TAMPERED');
    expect(v.checks.find((c) => c.check === 'leafCommitment')?.status).toBe('INVALID');
  });

  it('TAMPERED when the proof was edited', async () => {
    const v = await verifyDocument({
      docHash,
      receipt: { ...receipt, proof: receipt.proof.slice(1) },
      reader: anchored,
    });
    expect(v.checks.find((c) => c.check === 'merkleProof')).toMatchObject({
      status: 'INVALID',
      code: 'TAMPERED',
    });
  });

  it('NOT_ANCHORED when the registry does not know the root', async () => {
    const v = await verifyDocument({ docHash, receipt, reader: fakeChain({}) });
    expect(v).toMatchObject({ verdict: 'NOT_ANCHORED', code: 'NOT_ANCHORED' });
  });

  it('REVOKED, with the reason', async () => {
    const v = await verifyDocument({
      docHash,
      receipt,
      reader: fakeChain({ roots: [receipt.root], revoked: [receipt.leaf] }),
    });
    expect(v).toMatchObject({ verdict: 'REVOKED', revocation: { reason: 2, reasonName: 'issued-in-error' } });
  });

  it('UNKNOWN_ISSUER when the issuer lacks the role, or the registry is not the trusted one', async () => {
    const noIssuer = await verifyDocument({
      docHash,
      receipt,
      reader: fakeChain({ roots: [receipt.root], issuers: [] }),
    });
    expect(noIssuer.verdict).toBe('UNKNOWN_ISSUER');
    const other = await verifyDocument({ docHash, receipt, reader: anchored, trust: { registry: ISSUER } });
    expect(other).toMatchObject({ verdict: 'UNKNOWN_ISSUER', code: 'UNTRUSTED_REGISTRY' });
  });

  it('ERROR (could not check), not INVALID, when the chain is unreachable or is another chain', async () => {
    const down = await verifyDocument({ docHash, receipt, reader: fakeChain({ down: true }) });
    expect(down).toMatchObject({ verdict: 'ERROR', code: 'CHAIN_UNREACHABLE' });
    const wrong = await verifyDocument({
      docHash,
      receipt,
      reader: fakeChain({ roots: [receipt.root], chainId: 1 }),
    });
    expect(wrong).toMatchObject({ verdict: 'ERROR', code: 'WRONG_CHAIN' });
  });

  it('ERROR with a field-level message for a malformed receipt', async () => {
    const v = await verifyDocument({ docHash, receipt: { ...receipt, root: 'nope' }, reader: anchored });
    expect(v).toMatchObject({
      verdict: 'ERROR',
      code: 'MALFORMED_RECEIPT',
      message: expect.stringContaining('root'),
    });
    const newer = await verifyDocument({ docHash, receipt: { ...receipt, version: 2 }, reader: anchored });
    expect(newer.code).toBe('UNSUPPORTED_RECEIPT_VERSION');
    const extra = await verifyDocument({
      docHash,
      receipt: { ...receipt, patientName: 'x' },
      reader: anchored,
    });
    expect(extra.code).toBe('MALFORMED_RECEIPT');
  });
});
