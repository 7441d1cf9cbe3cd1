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
  /** Transactions the chain knows: which root each anchored (if any), in which block. */
  txs?: Record<Hex, { root?: Hex; block: number }>;
  /** Roots the registry holds with no Anchored event behind them (written into its storage). */
  written?: Hex[];
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
    anchorEvent: (_r, txHash, root) =>
      Promise.resolve().then(() => {
        guard();
        const tx = state.txs?.[txHash];
        return tx
          ? { txFound: true, found: tx.root === root, blockNumber: tx.block }
          : { txFound: false, found: false };
      }),
    anchoredInBlock: (_r, root) =>
      Promise.resolve().then(
        () => (guard(), (state.roots?.includes(root) ?? false) && !(state.written ?? []).includes(root)),
      ),
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
  const anchorTx = { [receipt.txHash]: { root: receipt.root, block: 7 } };
  const anchored = fakeChain({ roots: [receipt.root], txs: anchorTx });

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

  it('TAMPERED when the receipt names another transaction, or another block, than the one that anchored its root', async () => {
    const other = rand(32);
    const otherTx = await verifyDocument({
      docHash,
      receipt: { ...receipt, txHash: other },
      reader: fakeChain({ roots: [receipt.root], txs: { ...anchorTx, [other]: { block: 9 } } }),
    });
    expect(otherTx).toMatchObject({ verdict: 'TAMPERED', code: 'TAMPERED' });
    expect(otherTx.checks.find((c) => c.check === 'anchorTransaction')?.message).toContain(other);
    const otherBlock = await verifyDocument({
      docHash,
      receipt: { ...receipt, blockNumber: 8 },
      reader: anchored,
    });
    expect(otherBlock).toMatchObject({ verdict: 'TAMPERED', message: expect.stringContaining('block 7') });
  });

  it('NOT_ANCHORED when the chain knows neither the transaction nor the root; VALID (REANCHORED) when only the transaction was lost', async () => {
    const unknown = await verifyDocument({ docHash, receipt, reader: fakeChain({}) });
    expect(unknown.checks.find((c) => c.check === 'anchorTransaction')).toMatchObject({
      status: 'INVALID',
      code: 'NOT_ANCHORED',
    });
    const reanchored = await verifyDocument({
      docHash,
      receipt,
      reader: fakeChain({ roots: [receipt.root] }),
    });
    expect(reanchored.verdict).toBe('VALID');
    expect(reanchored.checks.find((c) => c.check === 'anchorTransaction')?.code).toBe('REANCHORED');
  });

  it('TAMPERED when the registry holds the root but no transaction ever anchored it (a record written into storage)', async () => {
    const forged = await verifyDocument({
      docHash,
      receipt,
      reader: fakeChain({ roots: [receipt.root], written: [receipt.root] }),
    });
    expect(forged.verdict).toBe('TAMPERED');
    expect(forged.checks.find((c) => c.check === 'anchorTransaction')).toMatchObject({
      status: 'INVALID',
      code: 'TAMPERED',
      message: expect.stringContaining('written, not anchored'),
    });
  });

  it('REVOKED, with the reason', async () => {
    const v = await verifyDocument({
      docHash,
      receipt,
      reader: fakeChain({ roots: [receipt.root], revoked: [receipt.leaf], txs: anchorTx }),
    });
    expect(v).toMatchObject({ verdict: 'REVOKED', revocation: { reason: 2, reasonName: 'issued-in-error' } });
  });

  it('UNKNOWN_ISSUER when the issuer lacks the role, or the registry is not the trusted one', async () => {
    const noIssuer = await verifyDocument({
      docHash,
      receipt,
      reader: fakeChain({ roots: [receipt.root], issuers: [], txs: anchorTx }),
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
      reader: fakeChain({ roots: [receipt.root], chainId: 1, txs: anchorTx }),
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
    const newer = await verifyDocument({ docHash, receipt: { ...receipt, version: 3 }, reader: anchored });
    expect(newer.code).toBe('UNSUPPORTED_RECEIPT_VERSION');
    const extra = await verifyDocument({
      docHash,
      receipt: { ...receipt, patientName: 'x' },
      reader: anchored,
    });
    expect(extra.code).toBe('MALFORMED_RECEIPT');
  });
});
