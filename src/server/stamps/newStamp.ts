import { randomBytes } from 'node:crypto';
import {
  STAMP_CODE_BYTES,
  deriveStampKey,
  formatStampCode,
  stampCodeFromBytes,
  stampPath,
  type StampCode,
} from '../../core/index.js';
import type { StampMark } from './StampMark.js';

export interface NewStamp {
  readonly code: StampCode;
  readonly mark: StampMark;
  /** The envelope key, kept (sealed) instead of the secret. */
  readonly key: Uint8Array;
}

/** A fresh stamp for a document about to be issued: random code, what it prints, its envelope key. */
export async function newStamp(publicUrl: string): Promise<NewStamp> {
  const code = stampCodeFromBytes(randomBytes(STAMP_CODE_BYTES));
  return {
    code,
    mark: {
      url: `${publicUrl}${stampPath(code)}`,
      code: formatStampCode(code),
      verifyAddress: `${publicUrl}/v`,
    },
    key: await deriveStampKey(code.stampId, code.secret),
  };
}
