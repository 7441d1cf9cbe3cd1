import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address, Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorForgedLeaf } from '../helpers/forgeLeaf.js';
import { spawnCli } from '../helpers/processes.js';
import { type Client, multipart, startTestPortal, type TestPortal } from '../helpers/portal.js';
import { startTxtServer, type TxtServer } from '../helpers/registryV2.js';
import { passkeyOf } from '../helpers/softPasskey.js';
import { tmpDir } from '../helpers/tmp.js';

type Receipt = Record<string, unknown> & {
  leaf: Hex;
  issuer: Address;
  issuerProfile: { passkeys: string[] };
  issuerSignature?: Record<string, string>;
};

/**
 * Issue 9 item 2: the doctor's passkey signs every leaf, the receipt carries it, and a verifier (the
 * CLI here) refuses a leaf naming the doctor without a valid signature by a key of their term — even
 * one the portal's own anchorer put on chain.
 */
describe('documents signed by the doctor’s passkey', () => {
  const dir = tmpDir('medproof-issuer-signature-');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_')));
  let portal: TestPortal;
  let dns: TxtServer;
  let admin: Client;
  let doctorA: Client;
  let doctorB: Client;
  let patient: Client & { patientNumber: string };
  let fileA: string;
  let receiptA: Receipt;
  let receiptB: Receipt;

  async function verify(file: string, receipt: unknown) {
    const path = join(dir.path, `receipt-${randomBytes(4).toString('hex')}.json`);
    writeFileSync(path, JSON.stringify(receipt));
    const p = spawnCli(
      [
        'verify',
        file,
        '--receipt',
        path,
        '--rpc',
        portal.system.conn.rpcUrl,
        '--registry',
        portal.system.registry,
        '--data-dir',
        join(dir.path, 'cli'),
      ],
      { cwd: dir.path, env: { ...env, MEDPROOF_DNS_SERVER: dns.address } },
    );
    const code = await p.exited;
    return { code, stdout: p.stdout(), stderr: p.stderr() };
  }

  /** Issues, lets the test passkey sign (the client does, as the page does), waits for the anchor. */
  async function issueSigned(doctor: Client): Promise<{ id: string; file: string; receipt: Receipt }> {
    const r = await portal.issue(doctor, patient.patientNumber);
    expect(r.status, r.body).toBe(201);
    const issued = r.json<{ id: string; signature?: { challenge: string } }>();
    expect(issued.signature, 'a doctor with a passkey is asked to sign').toBeDefined();
    await portal.waitAnchored(doctor, issued.id);
    const content = await doctor.get(`/api/documents/${issued.id}/content`);
    const file = join(dir.path, `${issued.id}.pdf`);
    writeFileSync(file, content.raw);
    const receipt = (await doctor.get(`/api/documents/${issued.id}/receipt`)).json<Receipt>();
    return { id: issued.id, file, receipt };
  }

  beforeAll(async () => {
    dns = await startTxtServer();
    portal = await startTestPortal();
    admin = await portal.admin();
    doctorA = await portal.doctor(admin, 'Dr A. Deshpande');
    doctorB = await portal.doctor(admin, 'Dr B. Rao');
    patient = await portal.patient();
    const a = await issueSigned(doctorA);
    fileA = a.file;
    receiptA = a.receipt;
    receiptB = (await issueSigned(doctorB)).receipt;
  }, 240_000);

  afterAll(async () => {
    await portal?.stop();
    await dns?.close();
    dir.remove();
  });

  it('the receipt carries the assertion, and the doctor’s passkey is in the profile of their term', () => {
    const key = passkeyOf(doctorA.origin, doctorA.user!.email)!;
    expect(receiptA.version).toBe(2);
    expect(receiptA.issuerSignature?.credentialId).toBe(key.id);
    expect(receiptA.issuerProfile.passkeys).toHaveLength(1);
    expect(receiptA.issuerProfile.passkeys[0]).toMatch(new RegExp(`^webauthn:-7:${key.id}:`));
  });

  it('a signed document is VALID from the chain, and the CLI says the doctor signed it', async () => {
    const run = await verify(fileA, receiptA);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^VALID/);
    expect(run.stdout).toContain("signed by the doctor's passkey");
    expect(run.stdout).toMatch(/VALID\s+issuerSignature/);
  });

  it('the same receipt without its signature is ISSUER_SIGNATURE_INVALID (exit 1)', async () => {
    const { issuerSignature: _dropped, ...unsigned } = receiptA;
    const run = await verify(fileA, unsigned);
    expect(run.code, run.stderr + run.stdout).toBe(1);
    expect(run.stdout).toMatch(/^UNKNOWN_ISSUER/);
    expect(run.stdout).toMatch(/INVALID\s+issuerSignature\s+.*the doctor did not sign it/);
  });

  it('a signature by another doctor’s passkey does not make it doctor A’s', async () => {
    const run = await verify(fileA, { ...receiptA, issuerSignature: receiptB.issuerSignature });
    expect(run.code, run.stderr + run.stdout).toBe(1);
    expect(run.stdout).toMatch(/INVALID\s+issuerSignature\s+.*not one of the issuer's/);
  });

  it('an upload left unsigned waits, out of the anchoring queue, until the doctor signs it', async () => {
    const r = await doctorA.req('POST', '/api/documents', {
      sign: false,
      multipart: multipart(
        { patientId: patient.patientNumber, docType: 'certificate', title: 'Unsigned for now' },
        [
          {
            filename: 'c.pdf',
            contentType: 'application/pdf',
            data: `%PDF-1.4\n${randomBytes(8).toString('hex')}\n%%EOF`,
          },
        ],
      ),
    });
    expect(r.status, r.body).toBe(201);
    const { id, leaf } = r.json<{ id: string; leaf: Hex }>();
    const queued = await portal.system.db.kysely
      .selectFrom('anchor_leaves')
      .select('leaf')
      .where('leaf', '=', leaf.toLowerCase())
      .execute();
    expect(queued, 'not queued before the signature').toEqual([]);
    expect((await doctorA.get(`/api/documents/${id}`)).json()).toMatchObject({ status: 'pending' });

    // Another doctor's passkey cannot sign it, nor can doctor A's sign another challenge.
    const asked = (await doctorA.get(`/api/documents/${id}/signature`)).json<{
      options: { challenge: string; rpId: string };
    }>();
    const keyA = passkeyOf(doctorA.origin, doctorA.user!.email)!;
    const keyB = passkeyOf(doctorB.origin, doctorB.user!.email)!;
    const wrongKey = await doctorA.post(`/api/documents/${id}/signature`, {
      credential: keyB.assert(asked.options, doctorA.origin),
    });
    expect(wrongKey.status).toBe(422);
    expect(wrongKey.json()).toMatchObject({ error: { code: 'SIGNATURE_REJECTED' } });
    const wrongChallenge = await doctorA.post(`/api/documents/${id}/signature`, {
      credential: keyA.assert({
        ...asked.options,
        challenge: Buffer.from(randomBytes(32)).toString('base64url'),
      }),
    });
    expect(wrongChallenge.status).toBe(422);

    const signed = await doctorA.post(`/api/documents/${id}/signature`, {
      credential: keyA.assert(asked.options, doctorA.origin),
    });
    expect(signed.status, signed.body).toBe(200);
    const again = await doctorA.post(`/api/documents/${id}/signature`, {
      credential: keyA.assert(asked.options, doctorA.origin),
    });
    expect(again.json()).toMatchObject({ error: { code: 'SIGNATURE_NOT_AWAITED' } });
    await portal.waitAnchored(doctorA, id);
    const receipt = (await doctorA.get(`/api/documents/${id}/receipt`)).json<Receipt>();
    expect(receipt.issuerSignature?.credentialId).toBe(keyA.id);
  });

  it('a doctor with passkeys revokes only with a passkey signature over the leaf and reason, stored and audited', async () => {
    const { id } = await issueSigned(doctorA);
    const unsigned = await doctorA.req('POST', `/api/documents/${id}/revoke`, {
      json: { reason: 'issued-in-error' },
      sign: false,
    });
    expect(unsigned.status).toBe(428);
    expect(unsigned.json()).toMatchObject({ error: { code: 'SIGNATURE_REQUIRED' } });
    // An issuance signature (over the bare leaf) is no revocation signature.
    const replayed = await doctorA.req('POST', `/api/documents/${id}/revoke`, {
      json: {
        reason: 'issued-in-error',
        credential: {
          id: receiptA.issuerSignature!.credentialId,
          rawId: receiptA.issuerSignature!.credentialId,
          type: 'public-key',
          response: {
            authenticatorData: receiptA.issuerSignature!.authenticatorData,
            clientDataJSON: receiptA.issuerSignature!.clientDataJSON,
            signature: receiptA.issuerSignature!.signature,
          },
          clientExtensionResults: {},
        },
      },
      sign: false,
    });
    expect(replayed.status).toBe(422);
    // The client signs as the page does (options, then the passkey), and the revocation goes through.
    const revoked = await doctorA.post(`/api/documents/${id}/revoke`, { reason: 'issued-in-error' });
    expect(revoked.status, revoked.body).toBe(200);
    const stored = await portal.system.db.kysely
      .selectFrom('document_signatures')
      .select(['credential_id'])
      .where('document_id', '=', id)
      .where('purpose', '=', 'revoke')
      .execute();
    expect(stored).toEqual([{ credential_id: passkeyOf(doctorA.origin, doctorA.user!.email)!.id }]);
  });

  it('an admin renews a doctor’s profile (new registration): new documents carry it, earlier receipts stay VALID', async () => {
    const renewed = await admin.post(`/api/doctors/${doctorA.user!.id}/profile`, {
      registrationNumber: 'MMC 2026/01/0001',
    });
    expect(renewed.status, renewed.body).toBe(204);
    const next = await issueSigned(doctorA);
    expect(next.receipt.issuerProfile).toMatchObject({ registrationNumber: 'MMC 2026/01/0001' });
    const now = await verify(next.file, next.receipt);
    expect(now.code, now.stderr + now.stdout).toBe(0);
    expect(now.stdout).toContain('MMC 2026/01/0001');
    // The first document was anchored in the earlier term: its receipt carries that term's profile.
    const before = await verify(fileA, receiptA);
    expect(before.code, before.stderr + before.stdout).toBe(0);
  });

  // Last: it sends from the portal's anchorer account, beside its engine.
  it('a leaf naming doctor A, anchored by the portal’s own anchorer without A’s signature, is ISSUER_SIGNATURE_INVALID', async () => {
    const forged = join(dir.path, 'forged.pdf');
    const bytes = '%PDF-1.4 forged sick note';
    writeFileSync(forged, bytes);
    const unsigned = await anchorForgedLeaf(portal.system, bytes, receiptA);
    const issuerSignature = receiptA.issuerSignature;

    // The chain holds the root and A's term covers it: only the missing signature gives it away.
    const run = await verify(forged, unsigned);
    expect(run.code, run.stderr + run.stdout).toBe(1);
    expect(run.stdout).toMatch(/VALID\s+rootAnchored/);
    expect(run.stdout).toMatch(/VALID\s+issuerProfile/);
    expect(run.stdout).toMatch(/INVALID\s+issuerSignature\s+.*the doctor did not sign it/);

    // A's real signature, copied from another document, signed another leaf.
    const copied = await verify(forged, { ...unsigned, issuerSignature });
    expect(copied.code).toBe(1);
    expect(copied.stdout).toMatch(/INVALID\s+issuerSignature\s+.*signed something else/);
  });
});
