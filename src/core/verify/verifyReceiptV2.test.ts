import { randomBytes } from 'node:crypto';
import type { Address, Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { toHex } from '../hash/hex.js';
import type { Institution, IssuerProfile } from '../identity/identitySchemas.js';
import { institutionCommitment } from '../identity/institutionCommitment.js';
import { profileCommitment } from '../identity/profileCommitment.js';
import { computeLeaf } from '../leaf/computeLeaf.js';
import type { LeafFields } from '../leaf/LeafFields.js';
import { buildMerkleTree } from '../merkle/buildMerkleTree.js';
import { buildReceiptV2 } from '../receipt/buildReceiptV2.js';
import type { ReceiptV2 } from '../receipt/receiptV2Schema.js';
import type { RegistryV2Facts, RegistryV2Reader } from './types.js';
import { verifyDocument } from './verifyDocument.js';

const rand = (): Hex => toHex(randomBytes(32));
const ZERO: Hex = `0x${'00'.repeat(32)}`;
const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address;
const ISSUER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as Address;
const INST: Institution = { name: 'City Hospital', domain: 'city-hospital.example', salt: rand() };
const PROFILE: IssuerProfile = {
  name: 'Dr. A. Deshpande',
  registrationNumber: '2011/04/1234',
  council: 'MMC',
  institution: { name: INST.name, domain: INST.domain },
  passkeys: [],
  salt: rand(),
};

function issue(): { receipt: ReceiptV2; docHash: Hex } {
  const docs: LeafFields[] = [0, 1].map((i) => ({
    docHash: rand(),
    salt: rand(),
    patientRef: rand(),
    issuer: ISSUER,
    docType: 'certificate',
    issuedAt: 1_764_000_000 + i,
  }));
  const leaves = docs.map(computeLeaf);
  const tree = buildMerkleTree(leaves);
  const anchor = {
    root: tree.root,
    proof: tree.proofAt(0),
    chainId: 31337,
    registry: REGISTRY,
    txHash: rand(),
    blockNumber: 7,
  };
  const receipt = buildReceiptV2(docs[0]!, leaves[0]!, anchor, { issuerProfile: PROFILE, institution: INST });
  return { receipt, docHash: docs[0]!.docHash };
}

/** What registry v2 would answer, with overrides; `down` makes every read fail. */
function fakeV2(receipt: ReceiptV2, over: Partial<RegistryV2Facts> = {}, down = false): RegistryV2Reader {
  const guard = <T>(v: T) => (down ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve(v));
  return {
    chainId: () => guard(31337),
    anchorEvent: () => guard({ txFound: true, found: true, blockNumber: 7 }),
    anchoredInBlock: () => guard(true),
    checkV2: () =>
      guard({
        anchoredAt: 1_764_000_100,
        blockNumber: 7,
        leafCount: 2,
        revokedAt: 0,
        reason: 0,
        supersededBy: ZERO,
        issuerStatus: 'ACTIVE',
        termIndex: 0,
        profile: profileCommitment(PROFILE, PROFILE.salt),
        institution: institutionCommitment(INST, INST.salt),
        ...over,
      }),
  };
}

describe('verifyDocument with a v2 receipt', () => {
  const { receipt, docHash } = issue();
  const trust = { registry: REGISTRY };

  it('VALID with the issuer identity; no DNS resolver means a SKIPPED domain check, not a failure', async () => {
    const v = await verifyDocument({ docHash, receipt, reader: fakeV2(receipt), trust });
    expect(v).toMatchObject({
      verdict: 'VALID',
      issuerIdentity: { name: 'Dr. A. Deshpande', council: 'MMC' },
    });
    expect(v.checks.find((c) => c.check === 'institutionDomain')?.status).toBe('SKIPPED');
  });

  it('names the field of a malformed v2 receipt', async () => {
    const { issuerProfile: _p, ...rest } = receipt;
    const v = await verifyDocument({ docHash, receipt: rest, reader: fakeV2(receipt) });
    expect(v).toMatchObject({
      verdict: 'ERROR',
      code: 'MALFORMED_RECEIPT',
      message: expect.stringContaining('issuerProfile'),
    });
  });

  it('TAMPERED file without asking the chain; ERROR when the chain or a v2 reader is missing', async () => {
    const down = fakeV2(receipt, {}, true);
    expect((await verifyDocument({ docHash: rand(), receipt, reader: down })).verdict).toBe('TAMPERED');
    expect(await verifyDocument({ docHash, receipt, reader: down })).toMatchObject({
      verdict: 'ERROR',
      code: 'CHAIN_UNREACHABLE',
    });
    // A v1-only reader (as the portal passes today) cannot answer a v2 receipt: could not check.
    const full = fakeV2(receipt);
    const v1Only = { chainId: () => full.chainId(), anchorEvent: full.anchorEvent.bind(full) };
    const v = await verifyDocument({ docHash, receipt, reader: v1Only as never });
    expect(v).toMatchObject({ verdict: 'ERROR', message: expect.stringContaining('registry v2 reader') });
  });

  it('maps issuer standing and revocation to the fixed verdicts, the code keeping the precise reason', async () => {
    const cases: [Partial<RegistryV2Facts>, string, string][] = [
      [{ issuerStatus: 'NOT_ACTIVE', profile: ZERO }, 'UNKNOWN_ISSUER', 'ISSUER_NOT_ACTIVE'],
      [{ issuerStatus: 'UNKNOWN', profile: ZERO }, 'UNKNOWN_ISSUER', 'UNKNOWN_ISSUER'],
      [{ revokedAt: 1_764_000_200, reason: 1, supersededBy: rand() }, 'REVOKED', 'SUPERSEDED'],
      [{ revokedAt: 1_764_000_200, reason: 2 }, 'REVOKED', 'REVOKED'],
      // A compromised key outranks a revocation: anything it signed is suspect.
      [
        { issuerStatus: 'COMPROMISED', revokedAt: 1_764_000_200, reason: 2 },
        'UNKNOWN_ISSUER',
        'ISSUER_COMPROMISED',
      ],
      [
        { anchoredAt: 0, blockNumber: 0, issuerStatus: 'UNKNOWN', profile: ZERO },
        'NOT_ANCHORED',
        'NOT_ANCHORED',
      ],
      [{ institution: rand() }, 'TAMPERED', 'TAMPERED'],
      [{ profile: rand() }, 'TAMPERED', 'TAMPERED'],
    ];
    for (const [over, verdict, code] of cases) {
      const v = await verifyDocument({ docHash, receipt, reader: fakeV2(receipt, over), trust });
      expect({ verdict: v.verdict, code: v.code }, JSON.stringify(over)).toEqual({ verdict, code });
    }
  });

  it('a trust list entry for the registry but another institution does not trust it', async () => {
    const list = {
      version: 1 as const,
      name: 'Insurer',
      registries: [
        { chainId: 31337, registry: REGISTRY, institution: { name: 'Other', domain: 'other.example' } },
      ],
    };
    const v = await verifyDocument({ docHash, receipt, reader: fakeV2(receipt), trustList: list });
    expect(v).toMatchObject({ verdict: 'UNKNOWN_ISSUER', code: 'UNTRUSTED_REGISTRY' });
    expect(v.message).toContain('other.example');
  });
});
