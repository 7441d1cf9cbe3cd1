import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/databases.js';
import { multipart, startTestPortal, type Client, type Reply, type TestPortal } from '../helpers/portal.js';

/**
 * The Idempotency-Key header on form-issued certificates, as on uploads (test/portal/idempotency.test.ts):
 * a doctor whose 201 was lost retries with the same key and gets the same document, never a second one;
 * the same key with other fields is refused. Run on both databases.
 */
describe.each(DB_KINDS)('idempotent certificates on %s', (db) => {
  let portal: TestPortal;
  let doctor: Client;
  let patient: Client & { patientNumber: string };

  beforeAll(async () => {
    portal = await startTestPortal({ db });
    const admin = await portal.admin();
    doctor = await portal.doctor(admin, 'Dr Once');
    patient = await portal.patient('Asha Once');
  }, 120_000);
  afterAll(() => portal?.stop());

  const sickLeave = (text = 'Viral fever. Rest for three days.') => ({
    patientId: patient.patientNumber,
    kind: 'sick-leave',
    text,
    from: '2026-12-01',
    to: '2026-12-03',
  });
  const issue = (key: string | undefined, body: unknown): Promise<Reply> =>
    doctor.req('POST', '/api/certificates', {
      json: body,
      ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
    });
  const documents = async () =>
    Number(
      (
        await portal.system.db.kysely
          .selectFrom('documents')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const keyRow = (key: string) =>
    portal.system.db.kysely
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('doctor_id', '=', doctor.user!.id)
      .where('key', '=', key)
      .executeTakeFirst();
  const code = (r: Reply) => r.json<{ error: { code: string } }>().error.code;

  it('a retry with the same key and fields gets the first 201 and issues nothing more', async () => {
    const key = randomUUID();
    const before = await documents();
    const first = await issue(key, sickLeave());
    expect(first.status, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const retry = await issue(key, sickLeave());
    expect(retry.status, retry.body).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await documents()).toBe(before + 1);
    // Without a key every request is a new certificate, as before.
    const a = await issue(undefined, sickLeave());
    const b = await issue(undefined, sickLeave());
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json<{ id: string }>().id).not.toBe(b.json<{ id: string }>().id);
  });

  it('answering a request: the retry is replayed although the request is closed by the first', async () => {
    const doctors = (await patient.get('/api/doctors')).json<{ id: string; name: string }[]>();
    const asked = await patient.post('/api/requests', {
      doctorId: doctors.find((d) => d.name === 'Dr Once')!.id,
      docType: 'certificate',
      note: 'fitness certificate',
    });
    expect(asked.status, asked.body).toBe(201);
    const body = {
      requestId: asked.json<{ id: string }>().id,
      kind: 'fitness',
      text: 'Fit to resume work.',
      from: '2026-12-10',
    };
    const key = randomUUID();
    const first = await issue(key, body);
    expect(first.status, first.body).toBe(201);
    const retry = await issue(key, body);
    expect(retry.status, retry.body).toBe(201);
    expect(retry.json()).toEqual(first.json());
    // A new key is a new attempt, which the closed request refuses.
    const fresh = await issue(randomUUID(), body);
    expect(fresh.status, fresh.body).toBe(400);
    expect(code(fresh)).toBe('REQUEST_CLOSED');
  });

  it('the same key with other fields, or first used for an upload, is 422 IDEMPOTENCY_KEY_REUSED and stores nothing', async () => {
    const key = randomUUID();
    expect((await issue(key, sickLeave())).status).toBe(201);
    const uploadKey = randomUUID();
    const upload = await doctor.req('POST', '/api/documents', {
      multipart: multipart({ patientId: patient.patientNumber, docType: 'certificate', title: 'Scan' }, [
        {
          filename: 'scan.pdf',
          contentType: 'application/pdf',
          data: Buffer.from(`%PDF-1.4\n${randomBytes(16).toString('hex')}\n%%EOF`),
        },
      ]),
      headers: { 'idempotency-key': uploadKey },
    });
    expect(upload.status, upload.body).toBe(201);
    const before = await documents();
    for (const [k, body] of [
      [key, sickLeave('Another text.')],
      [key, { ...sickLeave(), to: '2026-12-04' }],
      [key, { ...sickLeave(), kind: 'report' }],
      [uploadKey, sickLeave()],
    ] as const) {
      const r = await issue(k, body);
      expect(r.status, r.body).toBe(422);
      expect(code(r)).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(await documents()).toBe(before);
  });

  it('a failed first attempt gives the key back; a reservation in flight is 409', async () => {
    const key = randomUUID();
    const before = await documents();
    const noEnd = await issue(key, { ...sickLeave(), to: undefined });
    expect(noEnd.status, noEnd.body).toBe(400);
    const badKey = await issue('x'.repeat(256), sickLeave());
    expect(badKey.status, badKey.body).toBe(400);
    expect(await keyRow(key)).toBeUndefined();
    expect(await documents()).toBe(before);
    const ok = await issue(key, sickLeave());
    expect(ok.status, ok.body).toBe(201);
    expect((await keyRow(key))?.status).toBe('done');

    // Another request holding the key right now (as a concurrent retry finds it).
    const busy = randomUUID();
    const now = Date.now();
    await portal.system.db.kysely
      .insertInto('idempotency_keys')
      .values({
        doctor_id: doctor.user!.id,
        key: busy,
        claim: randomUUID(),
        status: 'in_flight',
        fingerprint: null,
        document_id: null,
        response_status: null,
        response_body: null,
        created_at: now,
        expires_at: now + 60_000,
      })
      .execute();
    const r = await issue(busy, sickLeave());
    expect(r.status, r.body).toBe(409);
    expect(code(r)).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
    expect(await documents()).toBe(before + 1);
  });

  it('two concurrent requests with one key never issue two documents', async () => {
    const key = randomUUID();
    const before = await documents();
    const replies = await Promise.all([issue(key, sickLeave()), issue(key, sickLeave())]);
    const created = replies.filter((r) => r.status === 201);
    expect(created.length, replies.map((r) => r.body).join('\n')).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.json<{ id: string }>().id)).size).toBe(1);
    for (const r of replies.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(code(r)).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
    }
    expect(await documents()).toBe(before + 1);
  });
});
