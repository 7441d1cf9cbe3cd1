import type { Executor } from '../db/Db.js';
import type { BlobStore } from './BlobStore.js';

/**
 * At start, before serving: removes temp blobs of interrupted uploads, and committed blobs no document
 * row points to (a crash between the blob's commit and the row's). Returns what it removed. With
 * `minAgeMs` (replicas sharing the folder or bucket), only files last written longer ago than that: a younger
 * one may belong to another replica's upload in flight, between its blob's commit and its row's.
 */
export async function reconcileBlobs(
  db: Executor,
  blobs: BlobStore,
  minAgeMs = 0,
): Promise<{ temp: number; orphans: number }> {
  const temp = await blobs.clearTemp(minAgeMs);
  const onDisk = await blobs.keys(minAgeMs);
  if (onDisk.length === 0) return { temp, orphans: 0 };
  const known = new Set<string>();
  for (let i = 0; i < onDisk.length; i += 500) {
    const rows = await db
      .selectFrom('documents')
      .select('blob_key')
      .where('blob_key', 'in', onDisk.slice(i, i + 500))
      .execute();
    for (const r of rows) if (r.blob_key) known.add(r.blob_key);
  }
  const orphans = onDisk.filter((k) => !known.has(k));
  for (const key of orphans) await blobs.delete(key);
  return { temp, orphans: orphans.length };
}
