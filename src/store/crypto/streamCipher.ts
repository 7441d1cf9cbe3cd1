import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { IntegrityError } from './IntegrityError.js';

/**
 * Streaming authenticated encryption for stored files (the STREAM construction, as in Tink):
 *
 *   header = "MPB1" | chunkSize (u32 BE) | noncePrefix (7 random bytes)
 *   chunk i = AES-256-GCM(key, nonce = noncePrefix | i (u32 BE) | last (1 byte), aad = header) + 16-byte tag
 *
 * Every chunk is authenticated before a byte of it is released, the counter stops reordering, and
 * the last-chunk flag stops truncation. Memory is one chunk, whatever the file size.
 */
const MAGIC = Buffer.from('MPB1');
export const HEADER_SIZE = 15;
export const TAG_SIZE = 16;
export const DEFAULT_CHUNK = 256 * 1024;

function nonce(prefix: Buffer, index: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0, 0, 7);
  n.writeUInt32BE(index, 7);
  n[11] = last ? 1 : 0;
  return n;
}

function sealChunk(
  key: Buffer,
  header: Buffer,
  prefix: Buffer,
  index: number,
  last: boolean,
  plain: Buffer,
): Buffer {
  const c = createCipheriv('aes-256-gcm', key, nonce(prefix, index, last));
  c.setAAD(header);
  const out = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
  return out;
}

function openChunk(
  key: Buffer,
  header: Buffer,
  prefix: Buffer,
  index: number,
  last: boolean,
  sealed: Buffer,
): Buffer {
  if (sealed.length < TAG_SIZE) throw new IntegrityError('stored file is truncated');
  const d = createDecipheriv('aes-256-gcm', key, nonce(prefix, index, last));
  d.setAAD(header);
  d.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  try {
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG_SIZE)), d.final()]);
  } catch {
    throw new IntegrityError(`stored file failed authentication at chunk ${index}`);
  }
}

/** Encrypts a stream of plaintext chunks (any sizes) into the format above. */
export async function* encryptChunks(
  source: AsyncIterable<Uint8Array>,
  key: Buffer,
  chunkSize = DEFAULT_CHUNK,
): AsyncGenerator<Buffer> {
  const prefix = randomBytes(7);
  const header = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(chunkSize, 4);
  prefix.copy(header, 8);
  yield header;
  const buf = Buffer.allocUnsafe(chunkSize);
  let fill = 0;
  let index = 0;
  for await (const piece of source) {
    let off = 0;
    while (off < piece.length) {
      // A full buffer is only known not to be the last chunk once more bytes arrive.
      if (fill === chunkSize) {
        yield sealChunk(key, header, prefix, index++, false, buf);
        fill = 0;
      }
      const n = Math.min(chunkSize - fill, piece.length - off);
      buf.set(piece.subarray(off, off + n), fill);
      fill += n;
      off += n;
    }
  }
  yield sealChunk(key, header, prefix, index, true, buf.subarray(0, fill));
}

/** Decrypts and authenticates; throws IntegrityError before releasing any chunk that fails. */
export async function* decryptChunks(source: AsyncIterable<Uint8Array>, key: Buffer): AsyncGenerator<Buffer> {
  let header: Buffer | undefined;
  let prefix: Buffer = Buffer.alloc(0);
  let sealedSize = 0;
  let buf: Buffer = Buffer.alloc(0);
  let index = 0;
  for await (const piece of source) {
    buf = buf.length === 0 ? Buffer.from(piece) : Buffer.concat([buf, piece]);
    if (!header) {
      if (buf.length < HEADER_SIZE) continue;
      header = Buffer.from(buf.subarray(0, HEADER_SIZE));
      if (!header.subarray(0, 4).equals(MAGIC)) throw new IntegrityError('stored file has an unknown format');
      const chunkSize = header.readUInt32BE(4);
      if (chunkSize < 1 || chunkSize > 16 * 1024 * 1024)
        throw new IntegrityError('stored file header is damaged');
      sealedSize = chunkSize + TAG_SIZE;
      prefix = header.subarray(8, 15);
      buf = buf.subarray(HEADER_SIZE);
    }
    // Strictly more than one sealed chunk buffered: the first one is not the last.
    while (buf.length > sealedSize) {
      yield openChunk(key, header, prefix, index++, false, buf.subarray(0, sealedSize));
      buf = buf.subarray(sealedSize);
    }
  }
  if (!header) throw new IntegrityError('stored file is truncated');
  yield openChunk(key, header, prefix, index, true, buf);
}

/** The stored size of a file of `size` plaintext bytes. */
export function sealedSize(size: number, chunkSize = DEFAULT_CHUNK): number {
  const chunks = Math.max(1, Math.ceil(size / chunkSize));
  return HEADER_SIZE + size + chunks * TAG_SIZE;
}
