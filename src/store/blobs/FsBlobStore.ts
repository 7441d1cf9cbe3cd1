import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { access, constants, mkdir, open, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { MedproofError } from '../../core/index.js';
import type { BlobStore, TempBlob } from './BlobStore.js';

const KEY_RE = /^[0-9a-f-]{36}$/;

/**
 * Files under `<dataDir>/blobs`, named by server-generated UUIDs only (a user's file name never
 * reaches a path). Writes go to `tmp/` first and are fsynced and renamed into place on commit, so a
 * crash leaves either nothing or a whole file. Storage faults surface as STORAGE_UNAVAILABLE.
 */
export class FsBlobStore implements BlobStore {
  readonly kind = 'file' as const;
  readonly root: string;
  private readonly tmp: string;

  constructor(dir: string) {
    this.root = dir;
    this.tmp = join(dir, 'tmp');
  }

  get location(): string {
    return this.root;
  }

  async init(): Promise<void> {
    await mkdir(this.tmp, { recursive: true });
  }

  private pathOf(key: string): string {
    if (!KEY_RE.test(key)) throw new MedproofError('BAD_BLOB_KEY', 'invalid blob key');
    return join(this.root, key.slice(0, 2), key);
  }

  /** Streams `chunks` into a new temp blob (fsynced); the caller commits or discards it. */
  async write(chunks: AsyncIterable<Uint8Array>): Promise<TempBlob> {
    const key = randomUUID();
    const path = join(this.tmp, key);
    // Open first, then stream: were the stream to open the file itself, an early failure could
    // race its pending open and leave a file behind after the clean-up.
    const fh = await open(path, 'wx', 0o600).catch((error: unknown) => {
      throw storageError(error);
    });
    try {
      // The stream closes `fh` when it ends; fsync through a second handle (it flushes the file, not the handle).
      await pipeline(Readable.from(chunks, { objectMode: false }), fh.createWriteStream());
      const sync = await open(path, 'r');
      await sync.sync();
      await sync.close();
      return { key, path };
    } catch (error) {
      await fh.close().catch(() => undefined);
      await rm(path, { force: true });
      throw storageError(error);
    }
  }

  /** Moves a written temp blob into place. */
  async commit(blob: TempBlob): Promise<void> {
    const dest = this.pathOf(blob.key);
    try {
      await mkdir(join(this.root, blob.key.slice(0, 2)), { recursive: true });
      await rename(blob.path, dest);
    } catch (error) {
      throw storageError(error);
    }
  }

  async discard(blob: TempBlob): Promise<void> {
    await rm(blob.path, { force: true });
  }

  exists(key: string): boolean {
    return existsSync(this.pathOf(key));
  }

  /** The stored bytes, or FILE_MISSING. */
  async read(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      await stat(path);
    } catch {
      throw new MedproofError('FILE_MISSING', 'the stored file is missing');
    }
    return createReadStream(path, { highWaterMark: 1 << 20 });
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /**
   * Every committed key: for the reconciler that removes blobs no document row points to. With
   * `minAgeMs`, only those last written longer ago than that (see {@link clearTemp}).
   */
  async keys(minAgeMs = 0): Promise<string[]> {
    const out: string[] = [];
    for (const dir of await readdir(this.root).catch(() => [])) {
      if (dir === 'tmp' || dir.length !== 2) continue;
      for (const name of await readdir(join(this.root, dir)).catch(() => []))
        if (KEY_RE.test(name) && (await olderThan(join(this.root, dir, name), minAgeMs))) out.push(name);
    }
    return out;
  }

  /** Bytes free to this (unprivileged) process on the file system holding the blobs. */
  async freeBytes(): Promise<number> {
    try {
      const fs = await statfs(this.root);
      return fs.bavail * fs.bsize;
    } catch (error) {
      throw storageError(error);
    }
  }

  /**
   * Whether `bytes` more still leave `reserveBytes` free: uploads are refused while the disk still has
   * room, so the database (often on the same disk) and the logs never meet ENOSPC mid-write.
   */
  async hasRoomFor(bytes: number, reserveBytes: number): Promise<boolean> {
    return (await this.freeBytes()) - bytes >= reserveBytes;
  }

  /** Down when the folder is not writable or free space is below the floor. */
  async probe(reserveBytes: number): Promise<void> {
    await access(this.root, constants.W_OK);
    if (!(await this.hasRoomFor(0, reserveBytes))) throw new Error('below the free-space floor');
  }

  /**
   * Removes temp blobs left by a crash mid-upload. With `minAgeMs`, only those last written longer
   * ago than that: on a folder replicas share, a younger one may be another replica's upload in flight.
   */
  async clearTemp(minAgeMs = 0): Promise<number> {
    const names = await readdir(this.tmp).catch(() => []);
    const stale = [];
    for (const n of names) if (await olderThan(join(this.tmp, n), minAgeMs)) stale.push(n);
    await Promise.all(stale.map((n) => rm(join(this.tmp, n), { force: true })));
    return stale.length;
  }
}

async function olderThan(path: string, minAgeMs: number): Promise<boolean> {
  if (minAgeMs <= 0) return true;
  try {
    return (await stat(path)).mtimeMs < Date.now() - minAgeMs;
  } catch {
    return false; // gone meanwhile
  }
}

/** Disk full, read-only, I/O errors: the storage cannot take the file now (503, retry later). */
function storageError(error: unknown): MedproofError {
  if (error instanceof MedproofError) return error;
  // Only a file system errno is a storage fault: an upload stream that broke (a truncated multipart
  // body) has no errno and must reach the caller as what it is, not raise a false storage alarm.
  const code = (error as NodeJS.ErrnoException).code;
  if (
    code !== undefined &&
    ['ENOSPC', 'EROFS', 'EIO', 'EDQUOT', 'EMFILE', 'ENFILE', 'EACCES'].includes(code)
  ) {
    return new MedproofError('STORAGE_UNAVAILABLE', `file storage unavailable (${code})`, { cause: error });
  }
  // Not a storage fault (e.g. the upload stream failed): let the caller's error through.
  throw error;
}
