import { createHash } from 'node:crypto';
import type { Hex } from 'viem';
import { MedproofError, digestChunks } from '../core/index.js';
import { readChunks } from './readChunks.js';

/** SHA-256 of a file, streamed: what `sha256sum` prints, as 0x-hex. FILE_NOT_FOUND / FILE_UNREADABLE when it cannot be read. */
export async function hashFile(path: string): Promise<{ docHash: Hex; size: number }> {
  try {
    const { digest, size } = await digestChunks(readChunks(path), createHash('sha256'));
    return { docHash: digest, size };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MedproofError('FILE_NOT_FOUND', `file not found: ${path}`);
    if (code === 'EISDIR') throw new MedproofError('FILE_UNREADABLE', `is a directory, not a file: ${path}`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new MedproofError('FILE_UNREADABLE', `cannot read ${path}: permission denied`);
    throw error;
  }
}
