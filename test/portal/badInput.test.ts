import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/databases.js';
import {
  aadhaar,
  multipart,
  nextAadhaar,
  PASSWORD,
  startTestPortal,
  type Client,
  type TestPortal,
} from '../helpers/portal.js';

const MiB = 1024 * 1024;
const STACK = /\bat .+:\d+:\d+/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe.each(DB_KINDS)('bad input on %s', (db) => {
  let portal: TestPortal;
  let doctor: Client;
  let patient: Client & { patientNumber: string };

  beforeAll(async () => {
    portal = await startTestPortal({ db, config: { maxUploadMb: 1, quotaDocuments: 12 } });
    doctor = await portal.doctor(await portal.admin());
    patient = await portal.patient();
  }, 120_000);
  afterAll(() => portal?.stop());

  /** What an upload may leave behind: blobs on disk, document rows, anchoring jobs, issue audit rows. */
  async function stored() {
    const k = portal.system.db.kysely;
    const count = async (t: 'documents' | 'anchor_leaves') =>
      Number(
        (
          await k
            .selectFrom(t)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const issued = await k
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'document.issued')
      .execute();
    return {
      blobs: filesUnder(join(portal.dataDir, 'blobs')).length,
      documents: await count('documents'),
      leaves: await count('anchor_leaves'),
      issued: issued.length,
    };
  }

  async function rejectsStoringNothing(
    upload: () => Promise<{ status: number; body: string }>,
    status: number,
    code: string,
  ) {
    const before = await stored();
    const r = await upload();
    expect(r.status, r.body).toBe(status);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code } });
    expect(r.body).not.toMatch(STACK);
    expect(await stored()).toEqual(before);
  }

  const upload = (
    file: { filename: string; contentType: string; data: Buffer | string },
    fields: Record<string, string> = {},
  ) =>
    doctor.req('POST', '/api/documents', {
      multipart: multipart(
        { patientId: patient.patientNumber, docType: 'report', title: 'Lab report', ...fields },
        [file],
      ),
    });

  it('accepts a file exactly at the size limit, and refuses 1 byte more with 413, storing nothing', async () => {
    const pdf = (n: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(n - 9)]);
    expect(
      (await upload({ filename: 'max.pdf', contentType: 'application/pdf', data: pdf(MiB) })).status,
    ).toBe(201);
    await rejectsStoringNothing(
      () => upload({ filename: 'big.pdf', contentType: 'application/pdf', data: pdf(MiB + 1) }),
      413,
      'FILE_TOO_LARGE',
    );
  });

  it.each([
    [
      'a .pdf that is HTML',
      {
        filename: 'report.pdf',
        contentType: 'application/pdf',
        data: '<!doctype html><script>alert(1)</script>',
      },
    ],
    [
      'a .pdf that is SVG',
      {
        filename: 'report.pdf',
        contentType: 'application/pdf',
        data: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      },
    ],
    [
      'a .txt that is SVG markup',
      {
        filename: 'notes.txt',
        contentType: 'text/plain',
        data: '  <svg onload="alert(1)"></svg> padding padding',
      },
    ],
    [
      'a .txt that is binary',
      {
        filename: 'notes.txt',
        contentType: 'text/plain',
        data: Buffer.concat([Buffer.from('hello'), Buffer.from([0, 1, 2, 3]), randomBytes(32)]),
      },
    ],
    [
      'a .png holding a PDF',
      { filename: 'scan.png', contentType: 'image/png', data: '%PDF-1.4 not an image at all' },
    ],
    [
      'a PDF declared as PNG',
      { filename: 'report.pdf', contentType: 'image/png', data: '%PDF-1.4 declared as something else' },
    ],
    [
      'an executable',
      {
        filename: 'setup.exe',
        contentType: 'application/octet-stream',
        data: `MZ${randomBytes(64).toString('hex')}`,
      },
    ],
  ])('refuses %s with 415, storing nothing', async (_name, file) => {
    await rejectsStoringNothing(() => upload(file), 415, 'UNSUPPORTED_FILE_TYPE');
  });

  it('accepts PNG, JPEG and UTF-8 text when name, type and content agree', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(64),
    ]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]);
    expect((await upload({ filename: 'xray.png', contentType: 'image/png', data: png })).status).toBe(201);
    expect((await upload({ filename: 'photo.JPG', contentType: 'image/jpeg', data: jpeg })).status).toBe(201);
    expect(
      (
        await upload({
          filename: 'note.txt',
          contentType: 'text/plain',
          data: 'Prescription: paracetamol 500 mg — twice a day. ✓',
        })
      ).status,
    ).toBe(201);
  });

  it('keeps hostile file names out of storage paths and headers', async () => {
    // (In a multipart header a quote is sent escaped, as \"; the server sees the bare quote.)
    const names = [
      '../../../etc/passwd.txt',
      '..\\..\\boot.ini.txt',
      `${'a'.repeat(1000)}.txt`,
      'in\\"jec\ttion;.txt',
    ];
    for (const filename of names) {
      const r = await upload({ filename, contentType: 'text/plain', data: 'fine text' });
      expect(r.status, r.body).toBe(201);
      const doc = (await patient.get(`/api/documents/${r.json<{ id: string }>().id}`)).json<{
        fileName: string;
      }>();
      expect(doc.fileName).not.toMatch(/[\\/"\t]/);
      expect(doc.fileName.length).toBeLessThanOrEqual(200);
      const content = await patient.get(`/api/documents/${r.json<{ id: string }>().id}/content`);
      expect(String(content.headers['content-disposition'])).toMatch(
        /^attachment; filename="[^"\\/]*"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/,
      );
    }
    for (const path of filesUnder(join(portal.dataDir, 'blobs')))
      expect(path).toMatch(/\/blobs\/[0-9a-f]{2}\/[0-9a-f-]{36}$/);
  });

  it('refuses a file whose SHA-256 differs from the one the client expected (422), storing nothing', async () => {
    await rejectsStoringNothing(
      () =>
        upload(
          { filename: 'r.pdf', contentType: 'application/pdf', data: '%PDF-1.4 changed in transit' },
          { sha256: 'ab'.repeat(32) },
        ),
      422,
      'HASH_MISMATCH',
    );
  });

  it('refuses empty files, missing files and bad fields with 400 naming the field, storing nothing', async () => {
    await rejectsStoringNothing(
      () => upload({ filename: 'empty.pdf', contentType: 'application/pdf', data: '' }),
      400,
      'EMPTY_FILE',
    );
    await rejectsStoringNothing(
      () =>
        doctor.req('POST', '/api/documents', {
          multipart: multipart({ patientId: patient.patientNumber, docType: 'report', title: 'x' }),
        }),
      400,
      'VALIDATION_FAILED',
    );
    const cases: [Record<string, string>, string][] = [
      [{ docType: 'Not A Type!' }, 'docType'],
      [{ title: '' }, 'title'],
      [{ patientId: '123' }, 'patientId'],
      [{ sha256: 'nothex' }, 'sha256'],
    ];
    for (const [fields, field] of cases) {
      const before = await stored();
      const r = await upload(
        { filename: 'r.pdf', contentType: 'application/pdf', data: '%PDF-1.4 fine' },
        fields,
      );
      expect(r.status, JSON.stringify(fields)).toBe(400);
      expect(r.json()).toMatchObject({ error: { field } });
      expect(await stored()).toEqual(before);
    }
  });

  it('holds a document for a patient id nobody registered (not a 404), and the patient is invited', async () => {
    // Issue 9: a doctor issuing to an id with no proven account is told the patient will be invited.
    const number = nextAadhaar();
    const r = await upload(
      { filename: 'r.pdf', contentType: 'application/pdf', data: '%PDF-1.4 fine' },
      { patientId: number },
    );
    expect(r.status, r.body).toBe(201);
    expect(r.json()).toMatchObject({ patient: 'invited' });
  });

  it('malformed JSON and schema violations are 400 with a code and the field, no stack trace', async () => {
    const raw = await patient.req('POST', '/api/requests', { raw: '{"doctorId": ' });
    expect(raw.status).toBe(400);
    expect(raw.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
    expect(raw.body).not.toMatch(STACK);
    const missing = await patient.post('/api/requests', { docType: 'report' });
    expect(missing.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'doctorId' } });
    const [doc] = (await patient.get('/api/documents')).json<{ id: string }[]>();
    const wrongType = await patient.post(`/api/documents/${doc!.id}/shares`, { expiresInHours: 'soon' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'expiresInHours' } });
    const tooLong = await patient.post(`/api/documents/${doc!.id}/shares`, { expiresInHours: 100_000 });
    expect(tooLong.json()).toMatchObject({ error: { field: 'expiresInHours' } });
    expect((await patient.get('/api/nope')).json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no such route' },
    });
  });

  it('validates registrations: patient ids (with the reason), passwords, dates, duplicates', async () => {
    const anon = portal.client();
    const base = {
      email: `new.${randomBytes(3).toString('hex')}@mail.test`,
      password: PASSWORD,
      name: 'New Patient',
      dateOfBirth: '1985-02-03',
    };
    const wrongCheck = `${aadhaar('34567890123').slice(0, 11)}${(Number(aadhaar('34567890123')[11]) + 1) % 10}`;
    const cases: [Record<string, string>, number, string, string?][] = [
      [{ patientId: wrongCheck }, 400, 'PATIENT_ID_INVALID', 'patientId'],
      [{ patientId: '+91 12345 67890' }, 400, 'PATIENT_ID_INVALID', 'patientId'],
      [{ patientId: nextAadhaar(), password: 'password' }, 400, 'WEAK_PASSWORD', 'password'],
      [{ patientId: nextAadhaar(), password: 'short' }, 400, 'WEAK_PASSWORD', 'password'],
      [{ patientId: nextAadhaar(), dateOfBirth: '2999-01-01' }, 400, 'INVALID_DATE_OF_BIRTH', 'dateOfBirth'],
      [{ patientId: nextAadhaar(), dateOfBirth: '1990-02-30' }, 400, 'INVALID_DATE_OF_BIRTH', 'dateOfBirth'],
      [{ patientId: nextAadhaar(), email: patient.user!.email }, 409, 'ALREADY_REGISTERED'],
    ];
    for (const [override, status, code, field] of cases) {
      const r = await anon.post('/api/patients', { ...base, ...override });
      expect(r.status, JSON.stringify(override)).toBe(status);
      expect(r.json()).toMatchObject({ error: { code, ...(field ? { field } : {}) } });
    }
    // A taken patient id is only claimed again (the squatting fix): never a 409 that confirms the id exists.
    const claimed = await anon.post('/api/patients', {
      ...base,
      email: `claim.${randomBytes(3).toString('hex')}@mail.test`,
      patientId: patient.patientNumber,
    });
    expect(claimed.status).toBe(201);
    expect(claimed.json()).toMatchObject({ idProven: false });
    const ok = await anon.post('/api/patients', { ...base, patientId: '91-1234-5678-9012' });
    expect(ok.status).toBe(201);
    expect(ok.json()).toMatchObject({ patientIdMasked: 'XX-XXXX-XXXX-9012', patientIdKind: 'abha' });
    expect(ok.body).not.toContain('91123456789012');
  });

  it('stops a doctor at the document quota with QUOTA_EXCEEDED', async () => {
    const k = portal.system.db.kysely;
    const issued = Number(
      (
        await k
          .selectFrom('documents')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('issuer_id', '=', doctor.user!.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
    for (let i = issued; i < 12; i++) expect((await portal.issue(doctor, patient.user!.id)).status).toBe(201);
    await rejectsStoringNothing(() => portal.issue(doctor, patient.user!.id), 403, 'QUOTA_EXCEEDED');
  });

  it('verify: a bad hash is 400; a malformed receipt is a verification ERROR, not a crash', async () => {
    const anon = portal.client();
    expect((await anon.post('/api/verify', { docHash: 'xyz' })).json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', field: 'docHash' },
    });
    const r = await anon.post('/api/verify', {
      docHash: 'ab'.repeat(32),
      receipt: { version: 1, root: 'nope' },
    });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ verdict: 'ERROR', code: 'MALFORMED_RECEIPT' });
  });
});
