import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { IntegrityError } from './IntegrityError.js';

/**
 * AES-256-GCM under the master key, as `v1.<base64url iv|ciphertext|tag>`. Used to wrap each document's
 * data key and to encrypt single sensitive fields (patient ids, dates of birth). `context` is bound
 * as associated data, so a value copied into another row or column does not decrypt.
 */
export function seal(masterKey: Uint8Array, plain: Uint8Array, context: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', masterKey, iv);
  c.setAAD(Buffer.from(context));
  const out = Buffer.concat([iv, c.update(plain), c.final(), c.getAuthTag()]);
  return `v1.${out.toString('base64url')}`;
}

export function unseal(masterKey: Uint8Array, sealed: string, context: string): Buffer {
  if (!sealed.startsWith('v1.')) throw new IntegrityError('sealed value has an unknown format');
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  if (raw.length < 28) throw new IntegrityError('sealed value is truncated');
  const d = createDecipheriv('aes-256-gcm', masterKey, raw.subarray(0, 12));
  d.setAAD(Buffer.from(context));
  d.setAuthTag(raw.subarray(raw.length - 16));
  try {
    return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]);
  } catch {
    throw new IntegrityError('sealed value failed authentication');
  }
}

export const sealText = (masterKey: Uint8Array, text: string, context: string) =>
  seal(masterKey, Buffer.from(text, 'utf8'), context);
export const unsealText = (masterKey: Uint8Array, sealed: string, context: string) =>
  unseal(masterKey, sealed, context).toString('utf8');
