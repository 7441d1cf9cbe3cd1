import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';

const MiB = 1024 * 1024;

/**
 * An upload announced larger than the limit is refused from its Content-Length, before its body is
 * read: over real HTTP, the 413 arrives while the client has sent only its first kilobytes. The limit
 * reaches the doctor's page through /api/me, and the page's change mark moves when a document is
 * issued without writing an audit row of its own.
 */
describe('upload limits and the live document list', () => {
  let portal: TestPortal;
  let doctor: Client;
  let patient: Client & { patientNumber: string };

  beforeAll(async () => {
    portal = await startTestPortal({ config: { port: 0, maxUploadMb: 1 } });
    doctor = await portal.doctor(await portal.admin());
    patient = await portal.patient();
  }, 120_000);
  afterAll(() => portal?.stop());

  it('tells the doctor the limit', async () => {
    const me = (await doctor.get('/api/me')).json<{ limits?: { maxUploadBytes: number } }>();
    expect(me.limits).toEqual({ maxUploadBytes: MiB });
    expect((await patient.get('/api/me')).json()).not.toHaveProperty('limits');
  });

  it('refuses a 150 MB upload from its Content-Length, before the body is sent', async () => {
    const boundary = 'medproofboundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nScan\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\n` +
        `Content-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
    );
    const answer = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      const req = request(`${portal.system.url}/api/documents`, {
        method: 'POST',
        headers: {
          cookie: doctor.cookie!,
          'x-csrf-token': doctor.csrf!,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(150 * MiB),
        },
      });
      let sent = 0;
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
      });
      req.on('error', reject);
      // Only the start of the body: a server that waited for the rest would never answer (the test's
      // time limit ends it), one that reads the header first answers now.
      req.write(head);
      sent += head.length;
      req.write(Buffer.alloc(64 * 1024));
      sent += 64 * 1024;
    });
    expect(answer.status, answer.body).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'FILE_TOO_LARGE' } });
    expect(answer.sent).toBeLessThan(MiB);
  });

  it('moves the change mark when a document is issued, without an audit row per poll', async () => {
    const mark = async () => (await patient.get('/api/documents/changes')).json<{ mark: string }>().mark;
    const listed = async () =>
      Number(
        (
          await portal.system.db.kysely
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('action', '=', 'document.listed')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await mark();
    const auditBefore = await listed();
    expect(await mark()).toBe(before);
    const issued = await portal.issue(doctor, patient.patientNumber);
    expect(issued.status, issued.body).toBe(201);
    const afterIssue = await mark();
    expect(afterIssue).not.toBe(before);
    await portal.waitAnchored(doctor, issued.json<{ id: string }>().id);
    expect(await mark()).not.toBe(afterIssue);
    expect(await listed()).toBe(auditBefore);
    // Another patient's mark does not see it.
    const other = await portal.patient('Ravi Kumar');
    const otherMark = (await other.get('/api/documents/changes')).json<{ mark: string }>().mark;
    expect(otherMark).toBe((await other.get('/api/documents/changes')).json<{ mark: string }>().mark);
    expect((await other.get('/api/documents')).json()).toEqual([]);
  });
});
