import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const macKey = (masterKey: Uint8Array) =>
  createHmac('sha256', masterKey).update('medproof share-token mac v1').digest();

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidOf = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/**
 * A share token: share id (16 bytes) | random (16) | HMAC(master-derived key, id|random) (16), base64url:
 * 256 bits, 128 of them from the CSPRNG. A forged or mangled token fails its MAC (401) before any
 * database lookup; only its SHA-256 is stored.
 */
export function newShareToken(masterKey: Uint8Array, shareId: string): string {
  const body = Buffer.concat([uuidBytes(shareId), randomBytes(16)]);
  const mac = createHmac('sha256', macKey(masterKey)).update(body).digest().subarray(0, 16);
  return Buffer.concat([body, mac]).toString('base64url');
}

export type TokenCheck = { ok: true; shareId: string } | { ok: false };

export function checkShareToken(masterKey: Uint8Array, token: string): TokenCheck {
  if (!/^[A-Za-z0-9_-]{64}$/.test(token)) return { ok: false };
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 48) return { ok: false };
  const mac = createHmac('sha256', macKey(masterKey)).update(raw.subarray(0, 32)).digest().subarray(0, 16);
  if (!timingSafeEqual(mac, raw.subarray(32))) return { ok: false };
  return { ok: true, shareId: uuidOf(raw.subarray(0, 16)) };
}

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');
