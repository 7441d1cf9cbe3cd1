import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MedproofError } from '../../core/index.js';
import type { BlobStore, TempBlob } from './BlobStore.js';

const KEY_RE = /^[0-9a-f-]{36}$/;
/** S3's smallest part: with two in flight, an upload of any size holds about 15 MiB, never the file. */
const PART_BYTES = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;
/** A listing is paged by 1000 keys: this bounds a reconciler pass at ten million objects. */
const MAX_LIST_PAGES = 10_000;
/** How long a client waits before trying again after BLOB_STORE_UNAVAILABLE. */
const RETRY_AFTER_SECONDS = 5;

export interface S3Options {
  readonly bucket: string;
  /** Key prefix inside the bucket ('' or ending in '/'): several portals may share one bucket. */
  readonly prefix: string;
  /** A custom endpoint (MinIO, Ceph, s3rver); unset: AWS. */
  readonly endpoint: string | undefined;
  readonly region: string;
  /** Path-style requests (`endpoint/bucket/key`), which custom endpoints need. */
  readonly forcePathStyle: boolean;
  /** Unset: the SDK's own chain (instance role, profile). */
  readonly credentials:
    | { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
    | undefined;
  /** Per-request bound: a hung store answers BLOB_STORE_UNAVAILABLE instead of holding the upload. */
  readonly requestTimeoutMs?: number;
  readonly maxAttempts?: number;
}

/**
 * Documents' encrypted bytes in an S3-compatible bucket, with {@link FsBlobStore}'s contract: a write
 * streams (multipart, in parts of PART_BYTES, QUEUE_SIZE at a time: constant memory) to `tmp/<key>`,
 * which no document points to; commit copies it to `blobs/<key>` (server side) and drops the temp
 * object. An S3 object exists only once its upload completed, so a failed or cut upload leaves no
 * object at all (an aborted multipart upload, which a bucket lifecycle rule expires where the abort
 * itself could not reach the store). The ciphertext and its checks are the caller's (encryptChunks):
 * the bucket only ever sees ciphertext. Store faults are BLOB_STORE_UNAVAILABLE (503, Retry-After);
 * a failing upload stream reaches the caller as itself.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3Options) {
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      maxAttempts: options.maxAttempts ?? 3,
      // Checksums only where S3 demands them: S3-compatible stores differ in the newer ones.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 3000, requestTimeout: options.requestTimeoutMs ?? 30_000 },
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    });
  }

  get location(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  private objectOf(key: string): string {
    if (!KEY_RE.test(key)) throw new MedproofError('BAD_BLOB_KEY', 'invalid blob key');
    return `${this.prefix}blobs/${key}`;
  }

  /** Fails at start, naming the bucket, when it cannot be reached: better than a 503 on the first upload. */
  async init(): Promise<void> {
    await this.probe();
  }

  async probe(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw unavailable(error, `the blob store ${this.location} does not answer`);
    }
  }

  async write(chunks: AsyncIterable<Uint8Array>): Promise<TempBlob> {
    const key = randomUUID();
    const path = `${this.prefix}tmp/${key}`;
    // Whose fault a failure is: the upload stream's (a truncated or too large body: the caller's
    // error, as it is) or the store's (BLOB_STORE_UNAVAILABLE). Only an error from reading `chunks`
    // is the stream's: one thrown in at the `yield` is the upload destroying its body after a store fault.
    let sourceFailed = false;
    let sourceError: unknown;
    async function* watched(): AsyncGenerator<Uint8Array> {
      const it = chunks[Symbol.asyncIterator]();
      let finished = false;
      try {
        for (;;) {
          let r: IteratorResult<Uint8Array>;
          try {
            r = await it.next();
          } catch (error) {
            sourceFailed = true;
            sourceError = error;
            finished = true;
            throw error;
          }
          if (r.done) {
            finished = true;
            return;
          }
          yield r.value;
        }
      } finally {
        // Stopped from downstream: let the source clean up (it stops reading the upload).
        if (!finished) await it.return?.();
      }
    }
    const body = Readable.from(watched(), { objectMode: false });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: path, Body: body },
      partSize: PART_BYTES,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
      return { key, path };
    } catch (error) {
      body.destroy();
      if (sourceFailed) throw sourceError;
      throw unavailable(error, 'the blob store failed during the upload');
    }
  }

  async commit(blob: TempBlob): Promise<void> {
    const dest = this.objectOf(blob.key);
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: dest,
          CopySource: `${this.bucket}/${blob.path.split('/').map(encodeURIComponent).join('/')}`,
        }),
      );
    } catch (error) {
      throw unavailable(error, 'the blob store could not commit the file');
    }
    // The copy is what commits; a temp object left by a failed delete is cleared by the reconciler.
    await this.discard(blob);
  }

  /** Best effort, never throws: it runs in the upload route's clean-up, which must not hide the real error. */
  async discard(blob: TempBlob): Promise<void> {
    await this.client
      .send(new DeleteObjectCommand({ Bucket: this.bucket, Key: blob.path }))
      .catch(() => undefined);
  }

  async read(key: string): Promise<Readable> {
    try {
      const r = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectOf(key) }),
      );
      if (!(r.Body instanceof Readable)) throw new Error('the object has no body stream');
      return r.Body;
    } catch (error) {
      if (error instanceof MedproofError) throw error;
      const name = (error as { name?: string }).name;
      if (name === 'NoSuchKey' || name === 'NotFound')
        throw new MedproofError('FILE_MISSING', 'the stored file is missing');
      throw unavailable(error, 'the blob store could not be read');
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectOf(key) }));
    } catch (error) {
      throw unavailable(error, 'the blob store could not delete a file');
    }
  }

  /** Names and write times of the objects under `folder/`, paged. */
  private async list(folder: 'blobs' | 'tmp', minAgeMs: number): Promise<string[]> {
    const prefix = `${this.prefix}${folder}/`;
    const cutoff = Date.now() - minAgeMs;
    const out: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      let r;
      try {
        r = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        );
      } catch (error) {
        throw unavailable(error, 'the blob store could not be listed');
      }
      for (const o of r.Contents ?? []) {
        const name = o.Key?.slice(prefix.length) ?? '';
        const written = o.LastModified?.getTime() ?? 0;
        if (KEY_RE.test(name) && (minAgeMs <= 0 || written < cutoff)) out.push(name);
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
      if (token === undefined) break;
    }
    return out;
  }

  keys(minAgeMs = 0): Promise<string[]> {
    return this.list('blobs', minAgeMs);
  }

  async clearTemp(minAgeMs = 0): Promise<number> {
    const stale = await this.list('tmp', minAgeMs);
    for (const name of stale) await this.discard({ key: name, path: `${this.prefix}tmp/${name}` });
    return stale.length;
  }

  /** A bucket has no free-space floor to keep: the local disk's (database, logs) is the operator's. */
  hasRoomFor(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

function unavailable(error: unknown, message: string): MedproofError {
  if (error instanceof MedproofError) return error;
  const why = (error as { name?: string; code?: string }).code ?? (error as { name?: string }).name;
  return new MedproofError('BLOB_STORE_UNAVAILABLE', `${message}${why ? ` (${why})` : ''}`, {
    cause: error,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });
}
