import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/databases.js';
import { multipart, startTestPortal, type Client, type Reply, type TestPortal } from '../helpers/portal.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const pdf = () => Buffer.from(`%PDF-1.4\n${randomBytes(16).toString('hex')}\n%%EOF`);

/**
 * The Idempotency-Key header on uploads: a client that lost the 201 to a connection reset retries
 * with the same key and gets the same document, never a second one. Run on both databases.
 */
describe.each(DB_KINDS)('idempotent uploads on %s', (db) => {
  let portal: TestPortal;
  let doctor: Client;
  let other: Client;
  let patientId: string;

  beforeAll(async () => {
    portal = await startTestPortal({ db });
    const admin = await portal.admin();
    doctor = await portal.doctor(admin, 'Dr Retry');
    other = await portal.doctor(admin, 'Dr Other');
    patientId = (await portal.patient()).user!.id;
  }, 120_000);
  afterAll(() => portal?.stop());

  /** The same upload each time it is called with the same `data` and fields (a new multipart boundary each time, as a browser's retry has). */
  const body = (data: Buffer, fields: Record<string, string> = {}) =>
    multipart({ patientId, docType: 'certificate', title: 'Fitness certificate', ...fields }, [
      { filename: 'certificate.pdf', contentType: 'application/pdf', data },
    ]);
  const upload = (
    as: Client,
    key: string | undefined,
    data: Buffer,
    fields?: Record<string, string>,
  ): Promise<Reply> =>
    as.req('POST', '/api/documents', {
      multipart: body(data, fields),
      ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
    });

  async function stored() {
    const k = portal.system.db.kysely;
    const n = await k
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { documents: Number(n.n), blobs: filesUnder(join(portal.dataDir, 'blobs')).length };
  }
  const keyRow = (doctorId: string, key: string) =>
    portal.system.db.kysely
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('doctor_id', '=', doctorId)
      .where('key', '=', key)
      .executeTakeFirst();

  it('a retry with the same key and request gets the first 201: same id, one document, one blob', async () => {
    const key = randomUUID();
    const data = pdf();
    const before = await stored();
    const first = await upload(doctor, key, data);
    expect(first.status, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The draft's form of the value is a Structured Field string: "…" names the same key.
    for (const sent of [key, `"${key}"`]) {
      const retry = await upload(doctor, sent, data);
      expect(retry.status, retry.body).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.json()).toEqual(first.json());
    }
    expect(await stored()).toEqual({ documents: before.documents + 1, blobs: before.blobs + 1 });
    expect(readdirSync(join(portal.dataDir, 'blobs', 'tmp'))).toEqual([]);
  });

  it('the same key with another file or other fields is 422 IDEMPOTENCY_KEY_REUSED and stores nothing', async () => {
    const key = randomUUID();
    const data = pdf();
    const first = await upload(doctor, key, data);
    expect(first.status, first.body).toBe(201);
    const before = await stored();
    for (const [file, fields] of [
      [pdf(), {}],
      [data, { title: 'Another title' }],
    ] as const) {
      const r = await upload(doctor, key, file, fields);
      expect(r.status, r.body).toBe(422);
      expect(r.json()).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    }
    expect(await stored()).toEqual(before);
  });

  it('a retry while the first request is still uploading is 409 IDEMPOTENCY_KEY_IN_FLIGHT', async () => {
    const key = randomUUID();
    const data = pdf();
    const { payload, headers } = body(data);
    // The first request's body arrives in two halves; the retry comes between them.
    const stream = new PassThrough();
    stream.write(payload.subarray(0, 100));
    const first = portal.app.inject({
      method: 'POST',
      url: '/api/documents',
      headers: {
        ...headers,
        cookie: doctor.cookie!,
        'x-csrf-token': doctor.csrf!,
        'idempotency-key': key,
      },
      payload: stream,
      remoteAddress: '127.0.0.1',
    });
    const deadline = Date.now() + 10_000;
    while (!(await keyRow(doctor.user!.id, key))) {
      if (Date.now() > deadline) throw new Error('the first request never reserved its key');
      await new Promise((res) => setTimeout(res, 10));
    }
    const retry = await upload(doctor, key, data);
    expect(retry.status, retry.body).toBe(409);
    expect(retry.json()).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_IN_FLIGHT' } });
    stream.end(payload.subarray(100));
    const done = await first;
    expect(done.statusCode, done.body).toBe(201);
    const again = await upload(doctor, key, data);
    expect(again.status).toBe(201);
    expect(again.json<{ id: string }>().id).toBe(done.json<{ id: string }>().id);
  });

  it('two concurrent requests with one key never issue two documents', async () => {
    const key = randomUUID();
    const data = pdf();
    const before = await stored();
    const replies = await Promise.all([upload(doctor, key, data), upload(doctor, key, data)]);
    const created = replies.filter((r) => r.status === 201);
    expect(created.length, replies.map((r) => r.body).join('\n')).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.json<{ id: string }>().id)).size).toBe(1);
    for (const r of replies.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.json()).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_IN_FLIGHT' } });
    }
    expect(await stored()).toEqual({ documents: before.documents + 1, blobs: before.blobs + 1 });
  });

  it('a key is the doctor’s own: another doctor using it issues their own document', async () => {
    const key = randomUUID();
    const mine = await upload(doctor, key, pdf());
    const theirs = await upload(other, key, pdf());
    expect(mine.status, mine.body).toBe(201);
    expect(theirs.status, theirs.body).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json<{ id: string }>().id).not.toBe(mine.json<{ id: string }>().id);
  });

  it('a failed first attempt (415, 400) gives the key back: the corrected retry is issued', async () => {
    const key = randomUUID();
    const before = await stored();
    const wrongType = await doctor.req('POST', '/api/documents', {
      multipart: multipart({ patientId, docType: 'certificate', title: 'x' }, [
        { filename: 'page.html', contentType: 'text/html', data: '<html><script>1</script></html>' },
      ]),
      headers: { 'idempotency-key': key },
    });
    expect(wrongType.status, wrongType.body).toBe(415);
    expect(await keyRow(doctor.user!.id, key)).toBeUndefined();
    const noTitle = await upload(doctor, key, pdf(), { title: '' });
    expect(noTitle.status, noTitle.body).toBe(400);
    expect(await stored()).toEqual(before);
    const ok = await upload(doctor, key, pdf());
    expect(ok.status, ok.body).toBe(201);
    expect(ok.headers['idempotent-replayed']).toBeUndefined();
    expect((await keyRow(doctor.user!.id, key))?.status).toBe('done');
  });

  it('an expired key is forgotten and an abandoned reservation taken over', async () => {
    const k = portal.system.db.kysely;
    const key = randomUUID();
    const data = pdf();
    const first = await upload(doctor, key, data);
    expect(first.status).toBe(201);
    await k
      .updateTable('idempotency_keys')
      .set({ expires_at: Date.now() - 1 })
      .where('key', '=', key)
      .execute();
    const later = await upload(doctor, key, data);
    expect(later.status, later.body).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.json<{ id: string }>().id).not.toBe(first.json<{ id: string }>().id);

    // A reservation from a process that died mid-upload, older than any upload may take.
    const orphan = randomUUID();
    const longAgo = Date.now() - 2 * 60 * 60 * 1000;
    await k
      .insertInto('idempotency_keys')
      .values({
        doctor_id: doctor.user!.id,
        key: orphan,
        claim: randomUUID(),
        status: 'in_flight',
        fingerprint: null,
        document_id: null,
        response_status: null,
        response_body: null,
        created_at: longAgo,
        expires_at: longAgo + 24 * 60 * 60 * 1000,
      })
      .execute();
    const taken = await upload(doctor, orphan, pdf());
    expect(taken.status, taken.body).toBe(201);
  });

  it('the OpenAPI document describes the header', async () => {
    const spec = (await portal.client().get('/api/openapi.json')).json<{
      paths: Record<string, { post?: { parameters?: { in: string; name: string }[] } }>;
    }>();
    expect(spec.paths['/api/documents']?.post?.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'idempotency-key' }),
    );
  });

  it('a key must be 1-255 printable ASCII characters (400); without the header nothing changes', async () => {
    const before = await stored();
    for (const bad of ['', 'x'.repeat(256), 'tab\there', '""']) {
      const r = await upload(doctor, bad, pdf());
      expect(r.status, `${JSON.stringify(bad)}: ${r.body}`).toBe(400);
      expect(r.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'Idempotency-Key' } });
    }
    expect(await stored()).toEqual(before);
    expect((await upload(doctor, 'x'.repeat(255), pdf())).status).toBe(201);
    const data = pdf();
    const a = await upload(doctor, undefined, data);
    const b = await upload(doctor, undefined, data);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json<{ id: string }>().id).not.toBe(b.json<{ id: string }>().id);
  });
});
