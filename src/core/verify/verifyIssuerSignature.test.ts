import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { Address, Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../hash/hex.js';
import type { Institution, IssuerProfile } from '../identity/identitySchemas.js';
import { institutionCommitment } from '../identity/institutionCommitment.js';
import { profileCommitment } from '../identity/profileCommitment.js';
import { computeLeaf } from '../leaf/computeLeaf.js';
import type { LeafFields } from '../leaf/LeafFields.js';
import { buildMerkleTree } from '../merkle/buildMerkleTree.js';
import { buildReceiptV2 } from '../receipt/buildReceiptV2.js';
import type { IssuerSignature } from '../receipt/receiptV2Schema.js';
import { formatPasskeyKey } from '../signature/passkeyKey.js';
import type { RegistryV2Reader } from './types.js';
import { verifyDocument } from './verifyDocument.js';

const rand = (): Hex => toHex(randomBytes(32));
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address;
const INST: Institution = { name: 'City Hospital', domain: 'city-hospital.example', salt: rand() };

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const CREDENTIAL = b64(randomBytes(16));
const KEY = formatPasskeyKey({
  alg: -7,
  credentialId: CREDENTIAL,
  spki: b64(publicKey.export({ type: 'spki', format: 'der' })),
});

/** The assertion a passkey gives for `navigator.credentials.get({ challenge: leaf })`. */
function signLeaf(leaf: Hex): IssuerSignature {
  const authenticatorData = Buffer.concat([randomBytes(32), Buffer.from([0x05]), Buffer.alloc(4)]);
  const clientDataJSON = Buffer.from(
    JSON.stringify({ type: 'webauthn.get', challenge: b64(fromHex(leaf, 32)!), origin: 'https://p.example' }),
  );
  const data = Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]);
  return {
    credentialId: CREDENTIAL,
    authenticatorData: b64(authenticatorData),
    clientDataJSON: b64(clientDataJSON),
    signature: b64(sign('sha256', data, privateKey)),
  };
}

/** A one-document batch by an issuer with `passkeys`, and a chain that agrees with its receipt. */
function issued(passkeys: string[], signature?: (leaf: Hex) => IssuerSignature) {
  const profile: IssuerProfile = {
    name: 'Dr. A. Deshpande',
    registrationNumber: '2011/04/1234',
    council: 'MMC',
    institution: { name: INST.name, domain: INST.domain },
    passkeys,
    salt: rand(),
  };
  const fields: LeafFields = {
    docHash: rand(),
    salt: rand(),
    patientRef: rand(),
    issuer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    docType: 'certificate',
    issuedAt: 1_764_000_000,
  };
  const leaf = computeLeaf(fields);
  const tree = buildMerkleTree([leaf, rand()]);
  const receipt = buildReceiptV2(
    fields,
    leaf,
    {
      root: tree.root,
      proof: tree.proofAt(0),
      chainId: 31337,
      registry: REGISTRY,
      txHash: rand(),
      blockNumber: 7,
    },
    { issuerProfile: profile, institution: INST, issuerSignature: signature?.(leaf) },
  );
  const reader: RegistryV2Reader = {
    chainId: () => Promise.resolve(31337),
    anchorEvent: () => Promise.resolve({ txFound: true, found: true, blockNumber: 7 }),
    anchoredInBlock: () => Promise.resolve(true),
    checkV2: () =>
      Promise.resolve({
        anchoredAt: 1_764_000_100,
        blockNumber: 7,
        leafCount: 2,
        revokedAt: 0,
        reason: 0,
        supersededBy: `0x${'00'.repeat(32)}`,
        issuerStatus: 'ACTIVE',
        termIndex: 1,
        profile: profileCommitment(profile, profile.salt),
        institution: institutionCommitment(INST, INST.salt),
      }),
  };
  return { receipt, reader, docHash: fields.docHash };
}

const run = (x: ReturnType<typeof issued>, receipt: unknown = x.receipt) =>
  verifyDocument({ docHash: x.docHash, receipt, reader: x.reader, trust: { registry: REGISTRY } });

describe('the doctor’s passkey signature in verification', () => {
  it('a leaf signed by a passkey of the term is VALID, and the result says who signed', async () => {
    const v = await run(issued([KEY], signLeaf));
    expect(v.verdict).toBe('VALID');
    expect(v.issuerSignature).toMatchObject({ signed: true, credentialId: CREDENTIAL });
    expect(v.checks.find((c) => c.check === 'issuerSignature')).toMatchObject({ status: 'VALID' });
  });

  it('a term with passkeys and no signature is ISSUER_SIGNATURE_INVALID, whoever anchored it', async () => {
    const v = await run(issued([KEY]));
    expect(v).toMatchObject({ verdict: 'UNKNOWN_ISSUER', code: 'ISSUER_SIGNATURE_INVALID' });
    expect(v.issuerSignature).toMatchObject({ signed: false });
  });

  it('a signature over another leaf is ISSUER_SIGNATURE_INVALID', async () => {
    const v = await run(issued([KEY], () => signLeaf(rand())));
    expect(v.code).toBe('ISSUER_SIGNATURE_INVALID');
  });

  it('a term without passkeys is VALID and says plainly that the doctor did not sign', async () => {
    const v = await run(issued([]));
    expect(v.verdict).toBe('VALID');
    expect(v.checks.find((c) => c.check === 'issuerSignature')).toMatchObject({
      status: 'VALID',
      code: 'UNSIGNED',
    });
    expect(v.issuerSignature).toEqual({
      signed: false,
      message: expect.stringContaining('not signed by the doctor'),
    });
  });

  it('an edited signature field is caught by the receipt schema', async () => {
    const x = issued([KEY], signLeaf);
    const v = await run(x, {
      ...x.receipt,
      issuerSignature: { ...x.receipt.issuerSignature, signature: 'not base64url!' },
    });
    expect(v.code).toBe('MALFORMED_RECEIPT');
  });

  it('a v1 receipt, which has no place for a signature, says plainly it is not signed by the doctor', async () => {
    const x = issued([]);
    const { issuerProfile: _p, institution: _i, ...common } = x.receipt;
    const v1 = { ...common, version: 1 };
    const v = await verifyDocument({
      docHash: x.docHash,
      receipt: v1,
      trust: { registry: REGISTRY },
      reader: {
        chainId: () => Promise.resolve(31337),
        rootInfo: () =>
          Promise.resolve({ anchorer: REGISTRY, anchoredAt: 1_764_000_100, blockNumber: 7, leafCount: 2 }),
        revocation: () => Promise.resolve({ revokedAt: 0, reason: 0 }),
        isIssuer: () => Promise.resolve(true),
        anchorEvent: () => Promise.resolve({ txFound: true, found: true, blockNumber: 7 }),
        anchoredInBlock: () => Promise.resolve(true),
      },
    });
    expect(v.verdict).toBe('VALID');
    expect(v.issuerSignature).toEqual({
      signed: false,
      message: expect.stringMatching(/^not signed by the doctor: a v1 receipt/),
    });
  });
});
