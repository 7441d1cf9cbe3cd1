import type { MultipartFile } from '@fastify/multipart';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Hex } from 'viem';
import { encryptChunks, type BlobStore, type TempBlob } from '../../store/index.js';
import { HttpError } from '../http/HttpError.js';
import { classify, displayName, FILE_KINDS, HEAD_BYTES, TextCheck, type FileKind } from './fileTypes.js';

export interface ReceivedFile {
  readonly blob: TempBlob;
  readonly dataKey: Buffer;
  /** SHA-256 of the stored file: what is anchored. */
  readonly docHash: Hex;
  /** SHA-256 of the file as uploaded (the stored one differs once stamped): what a retry or `sha256` is checked against. */
  readonly uploadHash: Hex;
  readonly size: number;
  readonly kind: FileKind;
  readonly mime: string;
  readonly fileName: string;
}

/** A whole upload held in memory (a PDF or image small enough to stamp): nothing is stored yet. */
export interface HeldFile {
  readonly held: true;
  readonly bytes: Buffer;
  readonly uploadHash: Hex;
  readonly kind: 'pdf' | 'png' | 'jpeg';
  /** The upload's media type (the stored file's may differ: an image is issued as a PDF). */
  readonly mime: string;
  readonly fileName: string;
}

/** The kinds a stamp can go on: PDFs, and images (issued inside a PDF). */
export const STAMPABLE: readonly FileKind[] = ['pdf', 'png', 'jpeg'];

export const tooLarge = (limitBytes: number) =>
  new HttpError(
    'FILE_TOO_LARGE',
    `the file is larger than the limit of ${Math.floor(limitBytes / 1024 / 1024)} MiB`,
  );

const sha256 = (bytes: Uint8Array): Hex => `0x${createHash('sha256').update(bytes).digest('hex')}`;

/** The upload's chunks, with the multipart limit turned into our 413. */
async function* chunksOf(part: MultipartFile, limitBytes: number): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of part.file as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limitBytes);
    throw error;
  }
  if (part.file.truncated) throw tooLarge(limitBytes);
}

/**
 * One pass over the upload: the first bytes decide the type (or 415 at once). A PDF or image of at
 * most `holdBytes` is kept in memory and returned whole, to be stamped before it is hashed; anything
 * else — text, or a file that outgrows `holdBytes` while arriving — streams in constant memory: every
 * chunk feeds SHA-256 and the encrypter, and only ciphertext reaches the disk, in a temp blob the
 * caller commits or discards. Any failure removes the temp blob.
 */
export async function receiveUpload(
  part: MultipartFile,
  blobs: BlobStore,
  limitBytes: number,
  holdBytes = 0,
): Promise<ReceivedFile | HeldFile> {
  const fileName = displayName(part.filename);
  const source = chunksOf(part, limitBytes)[Symbol.asyncIterator]();
  let done = false;
  const next = async (): Promise<Buffer | undefined> => {
    if (done) return undefined;
    const r = await source.next();
    if (r.done) done = true;
    return r.done ? undefined : r.value;
  };

  // Hold the first bytes back until there are enough to recognise the type.
  let head = Buffer.alloc(0);
  while (head.length < HEAD_BYTES) {
    const chunk = await next();
    if (!chunk) break;
    head = Buffer.concat([head, chunk]);
  }
  if (head.length === 0) throw new HttpError('EMPTY_FILE', 'the file is empty', { field: 'file' });
  const kind = classify(part.filename, part.mimetype, head);

  const held: Buffer[] = [head];
  if (holdBytes > 0 && STAMPABLE.includes(kind)) {
    let heldBytes = head.length;
    while (heldBytes <= holdBytes) {
      const chunk = await next();
      if (!chunk) break;
      held.push(chunk);
      heldBytes += chunk.length;
    }
    if (done && heldBytes <= holdBytes) {
      const bytes = Buffer.concat(held);
      return {
        held: true,
        bytes,
        uploadHash: sha256(bytes),
        kind: kind as HeldFile['kind'],
        mime: FILE_KINDS[kind].mime,
        fileName,
      };
    }
  }

  // Streamed from here: what was held goes first, then the rest as it arrives.
  const dataKey = randomBytes(32);
  const hash = createHash('sha256');
  const text = new TextCheck();
  let size = 0;
  const accept = (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
    if (kind === 'text') text.push(chunk);
    return chunk;
  };
  async function* plaintext(): AsyncGenerator<Uint8Array> {
    for (const chunk of held.splice(0)) yield accept(chunk);
    for (let chunk = await next(); chunk; chunk = await next()) yield accept(chunk);
    if (kind === 'text') text.end();
  }
  const blob = await blobs.write(encryptChunks(plaintext(), dataKey));
  const docHash: Hex = `0x${hash.digest('hex')}`;
  return { blob, dataKey, docHash, uploadHash: docHash, size, kind, mime: FILE_KINDS[kind].mime, fileName };
}

/** Stores a file made in memory (a stamped PDF) as {@link receiveUpload} stores a streamed one. */
export async function storeBytes(
  blobs: BlobStore,
  bytes: Uint8Array,
  file: { kind: FileKind; fileName: string; uploadHash?: Hex },
): Promise<ReceivedFile> {
  const docHash = sha256(bytes);
  const dataKey = randomBytes(32);
  const blob = await blobs.write(encryptChunks(Readable.from([bytes]), dataKey));
  return {
    blob,
    dataKey,
    docHash,
    uploadHash: file.uploadHash ?? docHash,
    size: bytes.length,
    kind: file.kind,
    mime: FILE_KINDS[file.kind].mime,
    fileName: file.fileName,
  };
}
