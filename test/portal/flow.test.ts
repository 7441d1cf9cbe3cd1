import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicClientFor } from '../../src/chain/clients.js';
import { registryReaderFor } from '../../src/chain/registry/registryReaderFor.js';
import { leafValues } from '../../src/core/leaf/computeLeaf.js';
import { LEAF_TYPES } from '../../src/core/leaf/LeafFields.js';
import type { ReceiptV2 } from '../../src/core/receipt/receiptV2Schema.js';
import { verifyDocument } from '../../src/core/verify/verifyDocument.js';
import type { NodeKind } from '../helpers/chains.js';
import type { DbKind } from '../helpers/databases.js';
import { multipart, startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';

const MATRIX: [NodeKind, DbKind][] = [
  ['anvil', 'sqlite'],
  ['anvil', 'postgres'],
  ['ganache', 'sqlite'],
];

const sha256 = (b: Buffer | string) => `0x${createHash('sha256').update(b).digest('hex')}`;

describe.each(MATRIX)('the paper’s flow through the portal on %s with %s', (node, db) => {
  let portal: TestPortal;
  let admin: Client;
  let issuer: Client;
  let colleague: Client;
  let patient: Client & { patientNumber: string };
  const report = Buffer.from('%PDF-1.4\nHaemoglobin 13.5 g/dL. Fit to work.\n%%EOF\n');

  beforeAll(async () => {
    portal = await startTestPortal({ node, db });
    admin = await portal.admin();
    issuer = await portal.doctor(admin, 'Dr Issuing');
    colleague = await portal.doctor(admin, 'Dr Colleague');
    patient = await portal.patient('Asha Patil');
  }, 120_000);
  afterAll(() => portal?.stop());

  let documentId: string;
  let shareToken: string;
  let receipt: ReceiptV2;

  it('a patient requests a document from a doctor, who sees it in the queue', async () => {
    const doctors = (await patient.get('/api/doctors')).json<{ id: string; name: string }[]>();
    const target = doctors.find((d) => d.name === 'Dr Issuing')!;
    const created = await patient.post('/api/requests', {
      doctorId: target.id,
      docType: 'certificate',
      note: 'for my employer',
    });
    expect(created.status).toBe(201);
    const queue = (await issuer.get('/api/requests')).json<
      { id: string; status: string; patientName: string }[]
    >();
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({ status: 'open', patientName: 'Asha Patil' });
    expect((await colleague.get('/api/requests')).json()).toEqual([]);
  });

  it('the doctor issues it by upload: 201 with its SHA-256, pending, then anchored on chain', async () => {
    const [request] = (await issuer.get('/api/requests')).json<{ id: string }[]>();
    const r = await issuer.req('POST', '/api/documents', {
      multipart: multipart({ requestId: request!.id, title: 'Fitness certificate', sha256: sha256(report) }, [
        { filename: 'fitness.pdf', contentType: 'application/pdf', data: report },
      ]),
    });
    expect(r.status, r.body).toBe(201);
    const issued = r.json<{ id: string; docHash: string; status: string }>();
    expect(issued).toMatchObject({ docHash: sha256(report), status: 'pending' });
    documentId = issued.id;
    const doc = await portal.waitAnchored(patient, documentId);
    expect(doc).toMatchObject({
      title: 'Fitness certificate',
      docType: 'certificate',
      issuer: { name: 'Dr Issuing' },
      anchor: { blockNumber: expect.any(Number) },
    });
    expect(
      (await issuer.get('/api/requests')).json<{ status: string; documentId: string }[]>()[0],
    ).toMatchObject({ status: 'issued', documentId });
  });

  it('the patient has it in their records and downloads exactly the issued bytes', async () => {
    const mine = (await patient.get('/api/documents')).json<{ id: string; status: string }[]>();
    expect(mine.map((d) => d.id)).toEqual([documentId]);
    const content = await patient.get(`/api/documents/${documentId}/content`);
    expect(content.status).toBe(200);
    expect(content.raw.equals(report)).toBe(true);
    expect(content.headers['content-type']).toBe('application/pdf');
    expect(content.headers['content-disposition']).toMatch(
      /^attachment; filename="fitness.pdf"; filename\*=UTF-8''fitness\.pdf$/,
    );
    expect(content.headers['x-content-type-options']).toBe('nosniff');
    expect(content.headers['cache-control']).toBe('no-store');
  });

  it('its receipt verifies independently: on chain without the portal, and with OpenZeppelin’s library', async () => {
    const r = await patient.get(`/api/documents/${documentId}/receipt`);
    expect(r.status).toBe(200);
    receipt = r.json<ReceiptV2>();
    // A new portal runs registry v2: its receipts carry the issuer's public profile and the institution.
    expect(receipt).toMatchObject({
      version: 2,
      issuerProfile: { name: 'Dr Issuing', council: 'NMC' },
      institution: { domain: portal.system.config.institutionDomain },
      docHash: sha256(report),
      registry: portal.system.registry,
      chainId: portal.system.conn.chainId,
    });
    const reader = registryReaderFor(publicClientFor(portal.system.conn.rpcUrl), 2);
    const v = await verifyDocument({
      docHash: sha256(report) as `0x${string}`,
      receipt,
      reader,
      trust: { registry: portal.system.registry },
    });
    expect(v.verdict, JSON.stringify(v.checks)).toBe('VALID');
    expect(v.issuerIdentity?.name).toBe('Dr Issuing');
    expect(StandardMerkleTree.verify(receipt.root, [...LEAF_TYPES], leafValues(receipt), receipt.proof)).toBe(
      true,
    );
  });

  it('the patient shares it by link with a QR code; another doctor opens it and sees VALID from the chain', async () => {
    const created = await patient.post(`/api/documents/${documentId}/shares`, {
      expiresInHours: 24,
      maxViews: 5,
    });
    expect(created.status, created.body).toBe(201);
    const share = created.json<{ id: string; url: string; token: string }>();
    expect(share.token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(share.url).toBe(`${portal.system.config.publicUrl}/s/${share.token}`);
    shareToken = share.token;
    const qr = await patient.get(`/api/shares/${share.id}/qr.png`);
    expect(qr.headers['content-type']).toBe('image/png');
    expect(qr.raw.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');

    const view = await colleague.get(`/api/shares/${shareToken}`);
    expect(view.status, view.body).toBe(200);
    expect(view.json()).toMatchObject({
      document: { title: 'Fitness certificate', issuer: { name: 'Dr Issuing' } },
    });
    // The verdict is the browser's, from the chain with the receipt: the view computes none.
    expect(view.json()).not.toHaveProperty('verification');
    const content = await colleague.get(`/api/shares/${shareToken}/content`);
    expect(content.raw.equals(report)).toBe(true);
    const anonymous = portal.client('203.0.113.9');
    expect((await anonymous.get(`/api/shares/${shareToken}/receipt`)).json()).toEqual(receipt);
  });

  it('anyone verifies the file without an account: VALID with the receipt; a changed byte is caught', async () => {
    const anyone = portal.client('198.51.100.7');
    const byFile = await anyone.req('POST', '/api/verify', {
      multipart: multipart({}, [{ filename: 'fitness.pdf', contentType: 'application/pdf', data: report }]),
    });
    expect(byFile.status, byFile.body).toBe(200);
    expect(byFile.json()).toMatchObject({
      verdict: 'VALID',
      receipt: { leaf: receipt.leaf },
      // Who issued it, from the receipt's profile as the registry's commitment vouches for it.
      issuerIdentity: { name: 'Dr Issuing', council: 'NMC' },
    });
    expect(byFile.json()).not.toHaveProperty('issuerName');
    const byHash = await anyone.post('/api/verify', { docHash: sha256(report) });
    expect(byHash.json()).toMatchObject({ verdict: 'VALID' });

    const forged = Buffer.from(report);
    forged[20] = forged[20]! ^ 1;
    const unknown = await anyone.req('POST', '/api/verify', {
      multipart: multipart({}, [{ filename: 'fitness.pdf', contentType: 'application/pdf', data: forged }]),
    });
    expect(unknown.json()).toMatchObject({ verdict: 'NOT_ANCHORED', code: 'NOT_FOUND' });
    const withReceipt = await anyone.req('POST', '/api/verify', {
      multipart: multipart({ receipt: JSON.stringify(receipt) }, [
        { filename: 'fitness.pdf', contentType: 'application/pdf', data: forged },
      ]),
    });
    expect(withReceipt.json()).toMatchObject({ verdict: 'TAMPERED', code: 'TAMPERED' });
  });

  it('the issuing doctor revokes it: REVOKED everywhere, from the chain', async () => {
    const r = await issuer.post(`/api/documents/${documentId}/revoke`, { reason: 'issued-in-error' });
    expect(r.status, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'revoked', revocation: { reasonName: 'issued-in-error' } });
    await portal.system.chainOps.drained();
    expect((await portal.client().post('/api/verify', { docHash: sha256(report) })).json()).toMatchObject({
      verdict: 'REVOKED',
      revocation: { reasonName: 'issued-in-error' },
    });
    expect((await patient.get('/api/documents')).json<{ status: string }[]>()[0]!.status).toBe('revoked');
  });

  it('the patient’s access log shows who viewed, downloaded and verified, from where', async () => {
    const log = (await patient.get('/api/audit')).json<
      {
        action: string;
        outcome: string;
        actor: { name: string | null; role: string };
        ip: string | null;
        document: { id: string } | null;
      }[]
    >();
    const on = (action: string) => log.filter((e) => e.action === action && e.document?.id === documentId);
    expect(on('document.issued')[0]?.actor).toMatchObject({ name: 'Dr Issuing', role: 'doctor' });
    expect(on('document.downloaded').map((e) => e.actor.name)).toEqual(
      expect.arrayContaining(['Asha Patil', 'Dr Colleague']),
    );
    expect(on('share.used').some((e) => e.actor.name === 'Dr Colleague')).toBe(true);
    expect(on('share.used').some((e) => e.actor.role === 'anonymous' && e.ip === '203.0.113.9')).toBe(true);
    expect(on('document.verified').some((e) => e.actor.role === 'anonymous' && e.ip === '198.51.100.7')).toBe(
      true,
    );
    expect(on('document.revoked')).toHaveLength(1);
    // The doctor's log is their own actions; another patient sees nothing of this document.
    expect(
      (await colleague.get('/api/audit'))
        .json<{ action: string }[]>()
        .every((e) => e.action !== 'document.issued'),
    ).toBe(true);
    const other = await portal.patient('Ravi Kumar');
    expect((await other.get('/api/audit')).json<{ document: unknown }[]>().filter((e) => e.document)).toEqual(
      [],
    );
  });

  it('the audit chain verifies, and the OpenAPI document describes the routes', async () => {
    expect((await admin.get('/api/audit/verify')).json()).toMatchObject({ ok: true });
    const spec = (await portal.client().get('/api/openapi.json')).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/auth/login',
      '/api/documents',
      '/api/documents/{id}/content',
      '/api/shares/{token}',
      '/api/verify',
      '/api/audit',
    ]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
  });
});
