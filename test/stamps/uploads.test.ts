import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StampPayload } from '../../src/api/stamps.js';
import { openStampPayload, type StampEnvelope } from '../../src/core/stamp/stampEnvelope.js';
import { multipart, startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { tmpDir } from '../helpers/tmp.js';

const sha256 = (b: Uint8Array) => `0x${createHash('sha256').update(b).digest('hex')}`;

async function twoPagePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const line of ['Haemoglobin 13.5 g/dL', 'Platelets 250 x10^9/L']) {
    doc.addPage([595, 842]).drawText(line, { x: 50, y: 780, size: 14, font });
  }
  return Buffer.from(await doc.save());
}

/**
 * Uploads get the stamp before they are hashed: a PDF on every page, an image inside a new PDF; the
 * download's SHA-256 is the anchored fingerprint. What cannot be stamped (not a readable PDF, or over
 * MEDPROOF_STAMP_MAX_MB, which then streams in constant memory) is issued unchanged, with a note.
 */
describe('stamped uploads', () => {
  let portal: TestPortal;
  let doctor: Client;
  let patient: Client & { patientNumber: string };
  const files = tmpDir('medproof-stamped-uploads-');

  beforeAll(async () => {
    portal = await startTestPortal({ config: { stampMaxMb: 1 } });
    doctor = await portal.doctor(await portal.admin(), 'Dr Upload');
    patient = await portal.patient('Ravi Kumar');
  }, 120_000);

  afterAll(async () => {
    await portal?.stop();
    files.remove();
  });

  const download = async (id: string) => (await patient.get(`/api/documents/${id}/content`)).raw;
  const scan = (pdf: Buffer, name: string) => {
    const path = join(files.path, `${name}.pdf`);
    writeFileSync(path, pdf);
    execFileSync('pdftoppm', ['-r', '150', '-gray', '-png', path, join(files.path, name)]);
    return readdirSync(files.path)
      .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))
      .sort()
      .map((f) =>
        execFileSync('zbarimg', ['-q', '--raw', join(files.path, f)], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).trim(),
      );
  };

  it('a PDF is stamped on every page before hashing: the download is what was anchored', async () => {
    const original = await twoPagePdf();
    const r = await portal.issue(
      doctor,
      patient.patientNumber,
      { filename: 'blood.pdf', contentType: 'application/pdf', data: original },
      { docType: 'lab-result', title: 'Blood count', sha256: sha256(original) },
    );
    expect(r.status, r.body).toBe(201);
    const issued = r.json<{ id: string; docHash: string; stamped: boolean; stampNote?: string }>();
    expect(issued.stamped).toBe(true);
    expect(issued.stampNote).toBeUndefined();
    expect(issued.docHash).not.toBe(sha256(original));
    const stored = await download(issued.id);
    expect(sha256(stored)).toBe(issued.docHash);
    const urls = scan(stored, 'blood');
    expect(urls).toHaveLength(2);
    expect(urls[0]).toBe(urls[1]);
    const url = new URL(urls[0]!);
    await portal.waitAnchored(patient, issued.id);
    const envelope = (
      await portal.client().get(`/api/stamps/${url.pathname.slice(3)}`)
    ).json<StampEnvelope>();
    const payload = (await openStampPayload(
      url.pathname.slice(3),
      url.hash.slice(1),
      envelope,
    )) as StampPayload;
    expect(payload).toMatchObject({ docHash: issued.docHash, status: 'anchored' });
    expect(payload.receipt).toMatchObject({ docHash: issued.docHash });
    expect(payload.summary).toMatchObject({
      docType: 'lab-result',
      title: 'Blood count',
      patient: { initials: 'R. K.' },
    });
    expect(payload.summary.certificate).toBeUndefined();
  });

  it('a retry with the same Idempotency-Key is the same document, though every stamping differs', async () => {
    const original = await twoPagePdf();
    const send = () =>
      doctor.req('POST', '/api/documents', {
        multipart: multipart({ patientId: patient.patientNumber, docType: 'report', title: 'Retry' }, [
          { filename: 'retry.pdf', contentType: 'application/pdf', data: original },
        ]),
        headers: { 'idempotency-key': 'stamp-retry-1' },
      });
    const first = await send();
    expect(first.status, first.body).toBe(201);
    const again = await send();
    expect(again.status, again.body).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
  });

  it('an image is issued inside a stamped PDF', async () => {
    const png = await QRCode.toBuffer('chest x-ray', { width: 400 });
    const r = await portal.issue(
      doctor,
      patient.patientNumber,
      { filename: 'xray.png', contentType: 'image/png', data: png },
      { title: 'Chest X-ray' },
    );
    expect(r.status, r.body).toBe(201);
    const issued = r.json<{ id: string; docHash: string; stamped: boolean }>();
    expect(issued.stamped).toBe(true);
    const doc = (await patient.get(`/api/documents/${issued.id}`)).json();
    expect(doc).toMatchObject({ fileName: 'xray.pdf', mimeType: 'application/pdf' });
    const stored = await download(issued.id);
    expect(sha256(stored)).toBe(issued.docHash);
    const [found] = scan(stored, 'xray');
    expect(found!.split('\n')).toContain('chest x-ray');
    expect(found!.split('\n').some((u) => u.startsWith(`${portal.system.url}/v/`))).toBe(true);
  });

  it('an unreadable PDF, and one over MEDPROOF_STAMP_MAX_MB, are issued unchanged with a note why', async () => {
    const broken = Buffer.from('%PDF-1.4\nnot a real PDF body\n%%EOF\n');
    const r1 = await portal.issue(doctor, patient.patientNumber, { filename: 'odd.pdf', data: broken });
    expect(r1.status, r1.body).toBe(201);
    const a = r1.json<{ id: string; docHash: string; stamped: boolean; stampNote: string }>();
    expect(a).toMatchObject({ stamped: false, docHash: sha256(broken) });
    expect(a.stampNote).toMatch(/could not be read/);
    expect(sha256(await download(a.id))).toBe(sha256(broken));

    // A real PDF padded past 1 MiB (the limit here): it streams, unstamped.
    const big = Buffer.concat([await twoPagePdf(), Buffer.alloc(1024 * 1024 + 10, 0x20)]);
    const r2 = await portal.issue(doctor, patient.patientNumber, { filename: 'big.pdf', data: big });
    expect(r2.status, r2.body).toBe(201);
    const b = r2.json<{ id: string; docHash: string; stamped: boolean; stampNote: string }>();
    expect(b).toMatchObject({ stamped: false, docHash: sha256(big) });
    expect(b.stampNote).toContain('over 1 MiB');
    expect(sha256(await download(b.id))).toBe(sha256(big));

    // Text is never stamped, and says nothing about it.
    const r3 = await portal.issue(doctor, patient.patientNumber, {
      filename: 'note.txt',
      contentType: 'text/plain',
      data: 'Plain note',
    });
    expect(r3.json()).toMatchObject({ stamped: false });
    expect(r3.json().stampNote).toBeUndefined();
  });
});
