import type { MultipartFile } from '@fastify/multipart';
import { createHash, randomBytes } from 'node:crypto';
import type { Hex } from 'viem';
import type { FsBlobStore, TempBlob } from '../../store/blobs/FsBlobStore.js';
import { encryptChunks } from '../../store/crypto/streamCipher.js';
import { HttpError } from '../http/HttpError.js';
import { classify, displayName, FILE_KINDS, HEAD_BYTES, TextCheck, type FileKind } from './fileTypes.js';

export interface ReceivedFile {
  readonly blob: TempBlob;
  readonly dataKey: Buffer;
  readonly docHash: Hex;
  readonly size: number;
  readonly kind: FileKind;
  readonly mime: string;
  readonly fileName: string;
}

export const tooLarge = (limitBytes: number) =>
  new HttpError(
    413,
    'FILE_TOO_LARGE',
    `the file is larger than the limit of ${Math.floor(limitBytes / 1024 / 1024)} MiB`,
  );

/**
 * One pass over the upload, constant memory: the first bytes decide the type (or 415 at once), every
 * chunk feeds SHA-256 and the encrypter, and only ciphertext reaches the disk, in a temp blob the
 * caller commits or discards. Any failure removes the temp blob.
 */
export async function receiveUpload(
  part: MultipartFile,
  blobs: FsBlobStore,
  limitBytes: number,
): Promise<ReceivedFile> {
  const dataKey = randomBytes(32);
  const hash = createHash('sha256');
  const fileName = displayName(part.filename);
  let size = 0;
  let kind: FileKind | undefined;
  const text = new TextCheck();

  async function* plaintext(): AsyncGenerator<Uint8Array> {
    let head: Buffer | undefined = Buffer.alloc(0);
    const accept = (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      if (kind === 'text') text.push(chunk);
      return chunk;
    };
    try {
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        if (head !== undefined) {
          // Hold the first bytes back until there are enough to recognise the type.
          head = Buffer.concat([head, chunk]);
          if (head.length < HEAD_BYTES) continue;
          kind = classify(part.filename, part.mimetype, head);
          const first = head;
          head = undefined;
          yield accept(first);
          continue;
        }
        yield accept(chunk);
      }
    } catch (error) {
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limitBytes);
      throw error;
    }
    if (part.file.truncated) throw tooLarge(limitBytes);
    if (head !== undefined) {
      if (head.length === 0) throw new HttpError(400, 'EMPTY_FILE', 'the file is empty', { field: 'file' });
      kind = classify(part.filename, part.mimetype, head);
      yield accept(head);
    }
    if (kind === 'text') text.end();
  }

  const blob = await blobs.write(encryptChunks(plaintext(), dataKey));
  return {
    blob,
    dataKey,
    docHash: `0x${hash.digest('hex')}`,
    size,
    kind: kind!,
    mime: FILE_KINDS[kind!].mime,
    fileName,
  };
}
