import type { Readable } from 'node:stream';

/** A blob being written: it becomes visible under its key only on commit. */
export interface TempBlob {
  readonly key: string;
  /** Where it sits until then: a file path, or an object key under the bucket's `tmp/` prefix. */
  readonly path: string;
}

/**
 * Where documents' encrypted bytes live: a local folder ({@link FsBlobStore}) or an S3-compatible
 * bucket ({@link S3BlobStore}). Both keep the same contract, which the upload route relies on for
 * "nothing stored on a bad input": `write` leaves a temp blob that no reader and no document sees;
 * only `commit` makes it readable under its key; `discard` removes it. Store faults surface as a 503
 * code (STORAGE_UNAVAILABLE, BLOB_STORE_UNAVAILABLE), never as the caller's own stream error.
 */
export interface BlobStore {
  readonly kind: 'file' | 's3';
  /** A folder or `s3://bucket/prefix`, for logs (never credentials). */
  readonly location: string;
  init(): Promise<void>;
  /** Streams `chunks` into a new temp blob; the caller commits or discards it. */
  write(chunks: AsyncIterable<Uint8Array>): Promise<TempBlob>;
  commit(blob: TempBlob): Promise<void>;
  discard(blob: TempBlob): Promise<void>;
  /** The stored bytes, or FILE_MISSING. */
  read(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
  /** Every committed key; with `minAgeMs`, only those last written longer ago than that. */
  keys(minAgeMs?: number): Promise<string[]>;
  /** Temp blobs of interrupted uploads, removed; with `minAgeMs`, only those older than that. */
  clearTemp(minAgeMs?: number): Promise<number>;
  /** Whether `bytes` more still leave `reserveBytes` free (a bucket has no floor: always true). */
  hasRoomFor(bytes: number, reserveBytes: number): Promise<boolean>;
  /** Resolves when the store can take a file now (for /health); throws when it cannot. */
  probe(reserveBytes: number): Promise<void>;
}
