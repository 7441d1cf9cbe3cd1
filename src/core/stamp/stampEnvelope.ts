import { subtle } from './subtleCrypto.js';

/**
 * What the portal sends for `/v/<id>`: the page's data (summary, fingerprint, receipt) encrypted with
 * AES-256-GCM under a key derived from the stamp's secret, so the id alone reveals nothing and the
 * secret (in the URL fragment) never reaches the server. The stamp id is bound as associated data: an
 * envelope served for another id does not open.
 */
export interface StampEnvelope {
  readonly version: 1;
  /** base64url, 12 bytes */
  readonly iv: string;
  /** base64url: ciphertext and tag */
  readonly data: string;
}

const UTF8 = new TextEncoder();
const INFO = UTF8.encode('medproof stamp v1');

/** HKDF-SHA256(secret, salt = stamp id, info = "medproof stamp v1"): the 32-byte envelope key. */
export async function deriveStampKey(stampId: string, secret: string): Promise<Uint8Array> {
  const s = subtle();
  const ikm = await s.importKey('raw', UTF8.encode(secret), 'HKDF', false, ['deriveBits']);
  const bits = await s.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: UTF8.encode(stampId), info: INFO },
    ikm,
    256,
  );
  return new Uint8Array(bits);
}

/** Encrypts `payload` (JSON) for `stampId`; `iv` must be 12 fresh random bytes. */
export async function sealStampPayload(
  key: Uint8Array,
  stampId: string,
  payload: unknown,
  iv: Uint8Array,
): Promise<StampEnvelope> {
  const s = subtle();
  const k = await s.importKey('raw', key, { name: 'AES-GCM' }, false, ['encrypt']);
  const data = await s.encrypt(
    { name: 'AES-GCM', iv, additionalData: UTF8.encode(stampId) },
    k,
    UTF8.encode(JSON.stringify(payload)),
  );
  return { version: 1, iv: toBase64Url(iv), data: toBase64Url(new Uint8Array(data)) };
}

/** The payload, or undefined when the secret is wrong or the envelope was changed. */
export async function openStampPayload(
  stampId: string,
  secret: string,
  envelope: StampEnvelope,
): Promise<unknown> {
  const s = subtle();
  const key = await s.importKey('raw', await deriveStampKey(stampId, secret), { name: 'AES-GCM' }, false, [
    'decrypt',
  ]);
  const iv = fromBase64Url(envelope.iv);
  const data = fromBase64Url(envelope.data);
  if (!iv || !data || iv.length !== 12) return undefined;
  try {
    const plain = await s.decrypt({ name: 'AES-GCM', iv, additionalData: UTF8.encode(stampId) }, key, data);
    return JSON.parse(new TextDecoder().decode(plain)) as unknown;
  } catch {
    return undefined;
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
