import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MedproofError } from '../../src/core/index.js';
import { reconcileBlobs } from '../../src/store/blobs/reconcileBlobs.js';
import { S3BlobStore } from '../../src/store/blobs/S3BlobStore.js';
import { decryptChunks, encryptChunks } from '../../src/store/crypto/streamCipher.js';
import { testDatabase } from '../helpers/databases.js';
import { S3_CREDENTIALS, startS3, type TestS3 } from '../helpers/s3Server.js';

const MiB = 1024 * 1024;

/** `total` random bytes in 1 MiB chunks, hashed as they go; `pause` runs once after `pauseAfter` bytes. */
function source(total: number, o: { pauseAfter?: number; pause?: (() => Promise<void>) | undefined } = {}) {
  const hash = createHash('sha256');
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let sent = 0; sent < total;) {
      if (o.pause && o.pauseAfter !== undefined && sent >= o.pauseAfter) {
        const p = o.pause;
        o.pause = undefined;
        await p();
      }
      const chunk = randomBytes(Math.min(MiB, total - sent));
      hash.update(chunk);
      sent += chunk.length;
      yield chunk;
    }
  }
  return { chunks: chunks(), digest: () => hash.digest('hex') };
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function sha256Of(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

const code = (error: unknown) => (error instanceof MedproofError ? error.code : String(error));

describe('S3BlobStore against a local S3 server (s3rver)', () => {
  let s3: TestS3;
  let store: S3BlobStore;
  const objects = async (prefix: string) =>
    (
      (await store.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))).Contents ??
      []
    ).map((o) => o.Key);

  beforeAll(async () => {
    s3 = await startS3();
    store = new S3BlobStore({
      bucket: s3.bucket,
      prefix: 'portal-a/',
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: S3_CREDENTIALS,
      maxAttempts: 2,
    });
    await store.init();
  });
  afterAll(async () => {
    store?.client.destroy();
    await s3?.close();
  });

  it('streams a multipart upload under tmp/, shows it only after commit, and reads it back whole', async () => {
    // 12 MiB: three parts of 5 MiB, so the multipart path (not a single PUT) is what is tested.
    const input = source(12 * MiB);
    const blob = await store.write(input.chunks);
    expect(blob.path).toBe(`portal-a/tmp/${blob.key}`);
    expect(await store.keys()).not.toContain(blob.key);
    await expect(store.read(blob.key)).rejects.toMatchObject({ code: 'FILE_MISSING' });
    await store.commit(blob);
    expect(await store.keys()).toContain(blob.key);
    expect(await objects('portal-a/tmp/')).toEqual([]);
    expect(await sha256Of(await store.read(blob.key))).toBe(input.digest());
  });

  it('keeps the per-document encryption: only ciphertext in the bucket, a flipped byte fails authentication', async () => {
    const key = randomBytes(32);
    const plain = Buffer.from(`%PDF-1.4\n${'x'.repeat(200_000)}\n%%EOF`);
    const blob = await store.write(encryptChunks(once(plain), key));
    await store.commit(blob);
    const stored = Buffer.from(
      await (
        await store.client.send(
          new GetObjectCommand({ Bucket: s3.bucket, Key: `portal-a/blobs/${blob.key}` }),
        )
      ).Body!.transformToByteArray(),
    );
    expect(stored.includes(Buffer.from('xxxxxxxx'))).toBe(false);
    expect(await collect(decryptChunks(await store.read(blob.key), key))).toEqual(plain);

    stored[stored.length - 100] = stored[stored.length - 100]! ^ 0x01; // in the last chunk
    await store.client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: `portal-a/blobs/${blob.key}`, Body: stored }),
    );
    await expect(sha256Of(decryptChunks(await store.read(blob.key), key))).rejects.toMatchObject({
      code: 'INTEGRITY_FAILURE',
    });
  });

  it('a missing object is FILE_MISSING; a key that is not a server UUID never reaches the bucket', async () => {
    await expect(store.read(randomUUID())).rejects.toMatchObject({ code: 'FILE_MISSING' });
    await expect(store.read('../../etc/passwd')).rejects.toMatchObject({ code: 'BAD_BLOB_KEY' });
  });

  it('a failing upload stream reaches the caller as itself and leaves no object', async () => {
    const before = await objects('portal-a/');
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield randomBytes(6 * MiB);
      throw new Error('the client went away');
    }
    await expect(store.write(broken())).rejects.toThrow('the client went away');
    expect(await objects('portal-a/')).toEqual(before);
  });

  it('the S3 server going down mid-upload is BLOB_STORE_UNAVAILABLE (503, Retry-After), and nothing is committed', async () => {
    const before = await objects('portal-a/');
    // Down after 7 MiB: the first part is in flight or stored, the upload not completed.
    const input = source(16 * MiB, { pauseAfter: 7 * MiB, pause: () => s3.stop() });
    let error: unknown;
    try {
      error = await store.write(input.chunks).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(code(error)).toBe('BLOB_STORE_UNAVAILABLE');
      expect(error).toMatchObject({ retryAfterSeconds: 5 });
      await expect(store.probe()).rejects.toMatchObject({ code: 'BLOB_STORE_UNAVAILABLE' });
    } finally {
      await s3.restart();
    }
    await store.probe();
    expect(await objects('portal-a/')).toEqual(before);
  });

  it('lists committed and temp objects by prefix for the orphan reconciler, sparing young ones when asked', async () => {
    const other = new S3BlobStore({
      bucket: s3.bucket,
      prefix: 'portal-b/',
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: S3_CREDENTIALS,
    });
    const orphan = await other.write(once(Buffer.from('committed, but its row never was')));
    await other.commit(orphan);
    await other.write(once(Buffer.from('half an upload')));
    const db = await testDatabase('sqlite');
    try {
      // Another portal's objects (portal-a/) are not this one's to judge.
      const aKeys = await store.keys();
      // Younger than a replica's upload may take: left alone.
      expect(await reconcileBlobs(db.db.kysely, other, 60_000)).toEqual({ temp: 0, orphans: 0 });
      expect(await reconcileBlobs(db.db.kysely, other)).toEqual({ temp: 1, orphans: 1 });
      expect(await objects('portal-b/')).toEqual([]);
      expect(await store.keys()).toEqual(aKeys);
    } finally {
      other.client.destroy();
      await db.cleanup();
    }
  });
});
