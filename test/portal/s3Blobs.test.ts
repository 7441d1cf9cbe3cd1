import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3BlobStore } from '../../src/store/blobs/S3BlobStore.js';
import { startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { startS3, type TestS3 } from '../helpers/s3Server.js';
import { signIfAsked } from '../helpers/softPasskey.js';
import { tmpDir } from '../helpers/tmp.js';

const MiB = 1024 * 1024;
const LINE = `${'medproof streamed report line '.repeat(3)}\n`;

/**
 * A multipart upload of a `size`-byte text file as a stream (so the portal receives it as it comes,
 * not whole): `gate`, when given, holds the body back after `gateAfter` bytes until it resolves.
 */
function streamedUpload(
  patientId: string,
  size: number,
  o: { gateAfter?: number; gate?: Promise<void>; reached?: () => void } = {},
) {
  const boundary = `----medproof${randomBytes(8).toString('hex')}`;
  const hash = createHash('sha256');
  async function* body(): AsyncGenerator<Buffer> {
    for (const [name, value] of Object.entries({ patientId, docType: 'report', title: 'Scan report' }))
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      );
    yield Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.txt"\r\nContent-Type: text/plain\r\n\r\n`,
    );
    const chunk = Buffer.from(LINE.repeat(Math.ceil(MiB / LINE.length))).subarray(0, MiB);
    let gated = o.gate === undefined;
    for (let sent = 0; sent < size;) {
      if (!gated && sent >= (o.gateAfter ?? 0)) {
        gated = true;
        o.reached?.();
        await o.gate;
      }
      const piece = chunk.subarray(0, Math.min(MiB, size - sent));
      hash.update(piece);
      sent += piece.length;
      yield piece;
    }
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return {
    stream: Readable.from(body()),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    sha256: () => hash.digest('hex'),
  };
}

describe('the portal on an S3 blob store (s3rver)', () => {
  const dir = tmpDir('medproof-s3portal-');
  let s3: TestS3;
  let portal: TestPortal;
  let doctor: Client;
  let patient: Client & { patientNumber: string };
  const store = () => portal.system.blobs as S3BlobStore;
  const blobKeyOf = async (id: string) =>
    (
      await portal.system.db.kysely
        .selectFrom('documents')
        .select('blob_key')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).blob_key!;
  const documentCount = async () =>
    (await portal.system.db.kysely.selectFrom('documents').select('id').execute()).length;
  const start = () => startTestPortal({ dataDir: dir.path, env: s3.env('hospital/') });

  beforeAll(async () => {
    s3 = await startS3();
    portal = await start();
    doctor = await portal.doctor(await portal.admin());
    patient = await portal.patient();
  }, 120_000);
  afterAll(async () => {
    await portal?.stop();
    await s3?.close();
    dir.remove();
  });

  /**
   * Sends a streamed upload through the portal as the doctor (app.inject, like every portal test); a
   * 201 is signed with the doctor's passkey, as their page does, so it is anchored.
   */
  const send = async (upload: ReturnType<typeof streamedUpload>) => {
    const r = await portal.app.inject({
      method: 'POST',
      url: '/api/documents',
      headers: { ...upload.headers, cookie: doctor.cookie!, 'x-csrf-token': doctor.csrf! },
      payload: upload.stream,
    });
    if (r.statusCode === 201)
      await signIfAsked(doctor.send, doctor.user!.email, doctor.origin, r.json<Record<string, unknown>>());
    return r;
  };

  it('/health names the S3 store and reports it up', async () => {
    const r = await portal.client().get('/health');
    expect(r.status, r.body).toBe(200);
    expect(r.json()).toMatchObject({ storage: 'ok', blobStore: 's3' });
  });

  it('issues a stamped PDF and a 12 MiB streamed file into the bucket, and serves both back', async () => {
    const pdf = await portal.issue(doctor, patient.user!.id);
    expect(pdf.status, pdf.body).toBe(201);
    const pdfId = pdf.json<{ id: string }>().id;
    const got = await patient.get(`/api/documents/${pdfId}/content`);
    expect(got.status).toBe(200);
    expect(`0x${createHash('sha256').update(got.raw).digest('hex')}`).toBe(pdf.json().docHash);

    const upload = streamedUpload(patient.user!.id, 12 * MiB);
    const r = await send(upload);
    expect(r.statusCode, r.body).toBe(201);
    const { id, docHash } = r.json<{ id: string; docHash: string }>();
    expect(docHash).toBe(`0x${upload.sha256()}`);
    const key = await blobKeyOf(id);
    expect(await store().keys()).toEqual(expect.arrayContaining([key, await blobKeyOf(pdfId)]));
    const back = await patient.get(`/api/documents/${id}/content`);
    expect(back.status).toBe(200);
    expect(back.raw.length).toBe(12 * MiB);
    expect(`0x${createHash('sha256').update(back.raw).digest('hex')}`).toBe(docHash);
    await portal.waitAnchored(patient, id);
  });

  it('a certificate filled in on the portal (rendered, not uploaded) is stored in the bucket too', async () => {
    const r = await doctor.post('/api/certificates', {
      patientId: patient.patientNumber,
      kind: 'sick-leave',
      text: 'Acute bronchitis. Rest and fluids; review in one week.',
      from: '2026-12-01',
      to: '2026-12-05',
    });
    expect(r.status, r.body).toBe(201);
    const { id, docHash } = r.json<{ id: string; docHash: string }>();
    expect(await store().keys()).toContain(await blobKeyOf(id));
    const content = await patient.get(`/api/documents/${id}/content`);
    expect(content.status).toBe(200);
    expect(`0x${createHash('sha256').update(content.raw).digest('hex')}`).toBe(docHash);
  });

  it('a tampered object fails closed (500, INTEGRITY_FAILURE audited); a missing one is 404 FILE_MISSING', async () => {
    const id = (
      await portal.issue(doctor, patient.user!.id, { data: `%PDF-1.4\n${'x'.repeat(300_000)}` })
    ).json<{ id: string }>().id;
    const object = { Bucket: s3.bucket, Key: `hospital/blobs/${await blobKeyOf(id)}` };
    const bytes = Buffer.from(
      await (await store().client.send(new GetObjectCommand(object))).Body!.transformToByteArray(),
    );
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0x01;
    await store().client.send(new PutObjectCommand({ ...object, Body: bytes }));
    const r = await patient.get(`/api/documents/${id}/content`);
    expect(r.status).toBe(500);
    expect(r.json()).toMatchObject({ error: { code: 'INTERNAL_ERROR' } });
    expect(r.body).not.toContain('xxxx');
    const admin = await portal.admin();
    const log = (await admin.get('/api/audit?limit=50')).json<
      { action: string; document: { id: string } | null }[]
    >();
    expect(log.find((e) => e.action === 'document.integrity-failure')?.document?.id).toBe(id);

    const gone = (await portal.issue(doctor, patient.user!.id)).json<{ id: string }>().id;
    await store().delete(await blobKeyOf(gone));
    const missing = await patient.get(`/api/documents/${gone}/content`);
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'FILE_MISSING' } });
  });

  it('the S3 server going down mid-upload answers 503 BLOB_STORE_UNAVAILABLE with Retry-After and stores nothing', async () => {
    const documents = await documentCount();
    const keys = await store().keys();
    let reached!: () => void;
    const atGate = new Promise<void>((resolve) => (reached = resolve));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // Held after 7 MiB: the first 5 MiB part is on its way to S3 and the upload is not complete.
    const upload = streamedUpload(patient.user!.id, 16 * MiB, { gateAfter: 7 * MiB, gate, reached });
    const answer = send(upload);
    await atGate;
    await s3.stop();
    open();
    const r = await answer;
    try {
      expect(r.statusCode, r.body).toBe(503);
      expect(r.headers['retry-after']).toBe('5');
      expect(r.json()).toMatchObject({ error: { code: 'BLOB_STORE_UNAVAILABLE' } });
      const health = await portal.client().get('/health');
      expect(health.status).toBe(503);
      expect(health.json()).toMatchObject({ status: 'degraded', storage: 'down', blobStore: 's3' });
      expect(await documentCount()).toBe(documents);
    } finally {
      await s3.restart();
    }
    expect(await store().keys()).toEqual(keys);
    expect(await store().clearTemp()).toBe(0);
    expect((await portal.client().get('/health')).status).toBe(200);
    expect((await portal.issue(doctor, patient.user!.id)).status).toBe(201);
  });

  it('at restart, objects no document points to and temp objects are removed; documents keep theirs', async () => {
    const orphan = await store().write(Readable.from([Buffer.from('committed, but its row never was')]));
    await store().commit(orphan);
    const temp = await store().write(Readable.from([Buffer.from('half an upload')]));
    const kept = (await portal.system.db.kysely.selectFrom('documents').select('blob_key').execute()).map(
      (d) => d.blob_key!,
    );
    const before = await store().keys();
    expect(before).toContain(orphan.key);
    await portal.stop();
    portal = await start();
    const after = await store().keys();
    expect(after).not.toContain(orphan.key);
    expect(new Set(after)).toEqual(new Set(before.filter((k) => k !== orphan.key)));
    expect(after).toEqual(expect.arrayContaining(kept.filter((k) => before.includes(k))));
    expect(await store().clearTemp()).toBe(0);
    expect(temp.path).toMatch(/^hospital\/tmp\//);
  }, 120_000);
});
