import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StampPayload } from '../../src/api/stamps.js';
import { openStampPayload, type StampEnvelope } from '../../src/core/stamp/stampEnvelope.js';
import { DB_KINDS } from '../helpers/databases.js';
import { spawnCli } from '../helpers/processes.js';
import { startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { tmpDir } from '../helpers/tmp.js';

/** The URL in the QR code on page 1 of a PDF, decoded as a scanner would: render with pdftoppm, read with zbarimg. */
function scanQr(pdfPath: string, dir: string): string {
  const prefix = join(dir, `scan-${Date.now()}`);
  execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-singlefile', pdfPath, prefix]);
  return execFileSync('zbarimg', ['-q', '--raw', `${prefix}.png`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

/**
 * Certificates issued from a form: the portal renders and stamps the PDF, stores and anchors it like
 * an upload. The download's SHA-256 (node crypto and the sha256sum binary) is the fingerprint, `medproof
 * verify` says VALID against the chain, and the QR code's URL opens an envelope only its #secret decrypts.
 */
describe.each(DB_KINDS)('certificates from a form, on %s', (db) => {
  let portal: TestPortal;
  let doctor: Client;
  let patient: Client & { patientNumber: string };
  const files = tmpDir(`medproof-certs-${db}-`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_')));

  beforeAll(async () => {
    portal = await startTestPortal({ db, config: { institutionName: 'City General Hospital' } });
    const admin = await portal.admin();
    doctor = await portal.doctor(admin, 'Dr Kavya Iyer');
    patient = await portal.patient('Meera Rao');
  }, 120_000);

  afterAll(async () => {
    await portal?.stop();
    files.remove();
  });

  it('a sick-leave certificate verifies with sha256sum and the CLI, and its QR opens its summary', async () => {
    const r = await doctor.post('/api/certificates', {
      patientId: patient.patientNumber,
      kind: 'sick-leave',
      text: 'Acute bronchitis. Rest and fluids; review in one week.',
      from: '2026-12-01',
      to: '2026-12-05',
    });
    expect(r.status, r.body).toBe(201);
    const issued = r.json<{ id: string; docHash: string; stamped: boolean }>();
    expect(issued.stamped).toBe(true);
    await portal.waitAnchored(patient, issued.id);

    // The patient sees it like any document, and downloads exactly the anchored file.
    const list = (await patient.get('/api/documents')).json<{ id: string; docType: string }[]>();
    expect(list.find((d) => d.id === issued.id)?.docType).toBe('medical-certificate');
    const content = await patient.get(`/api/documents/${issued.id}/content`);
    expect(content.status).toBe(200);
    expect(content.headers['content-type']).toBe('application/pdf');
    const pdfPath = join(files.path, 'sick-leave.pdf');
    writeFileSync(pdfPath, content.raw);
    expect(`0x${createHash('sha256').update(content.raw).digest('hex')}`).toBe(issued.docHash);
    const sum = execFileSync('sha256sum', [pdfPath], { encoding: 'utf8' }).split(' ')[0];
    expect(`0x${sum}`).toBe(issued.docHash);

    // The letterhead, the doctor and the dates are in the rendered text.
    const text = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' });
    expect(text).toContain('City General Hospital');
    expect(text).toContain('Dr Kavya Iyer');
    expect(text).toMatch(/Registration number: MCI-[0-9a-f]{6}/);
    expect(text).toContain('1 December 2026 to 5 December 2026');

    const receipt = await patient.get(`/api/documents/${issued.id}/receipt`);
    const receiptPath = join(files.path, 'sick-leave.pdf.receipt.json');
    writeFileSync(receiptPath, receipt.body);
    const cli = spawnCli(
      [
        'verify',
        pdfPath,
        '--receipt',
        receiptPath,
        '--rpc',
        portal.system.conn.rpcUrl,
        '--registry',
        portal.system.registry,
      ],
      { cwd: files.path, env },
    );
    const code = await cli.exited;
    expect(cli.stdout(), cli.stderr()).toMatch(/^VALID/);
    expect(code).toBe(0);

    // The QR code, read off the rendered page, names /v/<id>#<secret>; the id alone gets ciphertext.
    const url = new URL(scanQr(pdfPath, files.path));
    expect(url.origin).toBe(portal.system.url);
    const stampId = url.pathname.replace(/^\/v\//, '');
    const secret = url.hash.slice(1);
    expect(text.replace(/-/g, '')).toContain(`${stampId}${secret}`);
    const anonymous = portal.client();
    const env1 = await anonymous.get(`/api/stamps/${stampId}`);
    expect(env1.status, env1.body).toBe(200);
    expect(env1.headers['cache-control']).toBe('no-store');
    expect(env1.body).not.toContain('Meera');
    expect(env1.body).not.toContain(issued.docHash.slice(2, 20));
    const envelope = env1.json<StampEnvelope>();
    const payload = (await openStampPayload(stampId, secret, envelope)) as StampPayload;
    expect(payload.docHash).toBe(issued.docHash);
    expect(payload.status).toBe('anchored');
    expect(payload.summary).toMatchObject({
      docType: 'medical-certificate',
      institution: 'City General Hospital',
      doctor: { name: 'Dr Kavya Iyer' },
      patient: { initials: 'M. R.', maskedId: `XXXX XXXX ${patient.patientNumber.slice(-4)}` },
      certificate: { kind: 'sick-leave', from: '2026-12-01', to: '2026-12-05' },
    });
    expect((payload.receipt as { leaf: string }).leaf).toBe(receipt.json<{ leaf: string }>().leaf);
    // A wrong secret opens nothing; an unknown id is 404 like any missing thing.
    expect(
      await openStampPayload(stampId, `${secret.slice(0, -1)}${secret.endsWith('0') ? '1' : '0'}`, envelope),
    ).toBeUndefined();
    expect((await anonymous.get(`/api/stamps/${'0'.repeat(10)}`)).status).toBe(404);
    // The patient's access log shows the page was opened.
    const log = await patient.get('/api/audit');
    expect(log.body).toContain('document.stamp-opened');
  });

  it('checks the form: dates each kind needs, real dates, the right order; nothing is stored', async () => {
    const before = (await doctor.get('/api/documents')).json<unknown[]>().length;
    for (const [body, field] of [
      [{ kind: 'sick-leave', text: 'Flu', from: '2026-12-01' }, 'to'],
      [{ kind: 'sick-leave', text: 'Flu', from: '2026-12-05', to: '2026-12-01' }, 'to'],
      [{ kind: 'fitness', text: 'Fit to resume duties' }, 'from'],
      [{ kind: 'fitness', text: 'Fit', from: '2026-02-30' }, 'from'],
    ] as const) {
      const r = await doctor.post('/api/certificates', { patientId: patient.patientNumber, ...body });
      expect(r.status, r.body).toBe(400);
      expect(r.json<{ error: { field: string } }>().error.field).toBe(field);
    }
    expect(
      (await doctor.post('/api/certificates', { patientId: patient.patientNumber, kind: 'x', text: 'a' }))
        .status,
    ).toBe(400);
    expect(
      (
        await patient.post('/api/certificates', {
          patientId: patient.patientNumber,
          kind: 'report',
          text: 'a',
        })
      ).status,
    ).toBe(403);
    expect((await doctor.get('/api/documents')).json<unknown[]>().length).toBe(before);
  });

  it('a fitness certificate and a report issue too', async () => {
    const fit = await doctor.post('/api/certificates', {
      patientId: patient.patientNumber,
      kind: 'fitness',
      text: 'Fit to resume normal duties, including night shifts.',
      from: '2026-12-08',
    });
    expect(fit.status, fit.body).toBe(201);
    const report = await doctor.post('/api/certificates', {
      patientId: patient.user!.id,
      kind: 'report',
      title: 'Discharge summary',
      text: 'Admitted with dehydration.\nTreated with IV fluids.\nDischarged in good condition.',
    });
    expect(report.status, report.body).toBe(201);
    const reportDoc = (await patient.get(`/api/documents/${report.json<{ id: string }>().id}`)).json();
    expect(reportDoc).toMatchObject({
      title: 'Discharge summary',
      fileName: 'Discharge summary.pdf',
      docType: 'report',
    });
  });

  it('answers a patient’s request, which closes; once revoked, the stamp’s page data says so and keeps its receipt', async () => {
    const doctors = (await patient.get('/api/doctors')).json<{ id: string; name: string }[]>();
    const asked = await patient.post('/api/requests', {
      doctorId: doctors.find((d) => d.name === 'Dr Kavya Iyer')!.id,
      docType: 'certificate',
      note: 'fitness certificate for my college',
    });
    expect(asked.status, asked.body).toBe(201);
    const requestId = asked.json<{ id: string }>().id;
    const r = await doctor.post('/api/certificates', {
      requestId,
      kind: 'fitness',
      text: 'Fit to attend classes and sports.',
      from: '2026-12-10',
    });
    expect(r.status, r.body).toBe(201);
    const id = r.json<{ id: string }>().id;
    const requests = (await doctor.get('/api/requests')).json<
      { id: string; status: string; documentId: string }[]
    >();
    expect(requests.find((q) => q.id === requestId)).toMatchObject({ status: 'issued', documentId: id });
    // The same request cannot be answered twice.
    const again = await doctor.post('/api/certificates', { requestId, kind: 'report', text: 'again' });
    expect(again.status, again.body).toBe(400);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('REQUEST_CLOSED');

    await portal.waitAnchored(patient, id);
    const pdf = (await patient.get(`/api/documents/${id}/content`)).raw;
    const pdfPath = join(files.path, 'fitness.pdf');
    writeFileSync(pdfPath, pdf);
    const url = new URL(scanQr(pdfPath, files.path));
    const stampId = url.pathname.slice(3);
    expect((await doctor.post(`/api/documents/${id}/revoke`, { reason: 'issued-in-error' })).status).toBe(
      200,
    );
    const payload = (await openStampPayload(
      stampId,
      url.hash.slice(1),
      (await portal.client().get(`/api/stamps/${stampId}`)).json<StampEnvelope>(),
    )) as StampPayload;
    expect(payload.status).toBe('revoked');
    expect(payload.summary.certificate).toEqual({ kind: 'fitness', from: '2026-12-10' });
    // The receipt stays: the page's verdict (REVOKED) comes from the chain, not from this status.
    expect(payload.receipt).toMatchObject({ docHash: payload.docHash });
  });
});
