import { fromBase64url, toBase64url } from './base64url.js';
import { derToRaw } from './derToRaw.js';
import { parsePasskeyKey, type PasskeyKey } from './passkeyKey.js';

/** A WebAuthn assertion (navigator.credentials.get), base64url fields as @simplewebauthn sends them. */
export interface PasskeyAssertion {
  readonly credentialId: string;
  readonly authenticatorData: string;
  readonly clientDataJSON: string;
  readonly signature: string;
}

export type AssertionCheck =
  { readonly ok: true; readonly key: PasskeyKey } | { readonly ok: false; readonly reason: string };

/** The WebCrypto calls this needs, typed here so core compiles without the DOM library (as subtleCrypto.ts). */
interface SubtleVerify {
  importKey(
    format: 'spki',
    key: Uint8Array,
    algorithm: { name: string; namedCurve?: string; hash?: string },
    extractable: boolean,
    usages: string[],
  ): Promise<unknown>;
  verify(
    algorithm: { name: string; hash?: string },
    key: unknown,
    signature: Uint8Array,
    data: Uint8Array,
  ): Promise<boolean>;
  digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer>;
}

function subtle(): SubtleVerify {
  const c = (globalThis as { crypto?: { subtle?: SubtleVerify } }).crypto;
  if (!c?.subtle) throw new Error('WebCrypto is not available (a browser needs https or localhost)');
  return c.subtle;
}

const USER_PRESENT = 0x01;

const fail = (reason: string): AssertionCheck => ({ ok: false, reason });

async function verifySignature(key: PasskeyKey, sig: Uint8Array, data: Uint8Array): Promise<boolean> {
  const spki = fromBase64url(key.spki);
  if (!spki) return false;
  const s = subtle();
  try {
    if (key.alg === -7) {
      const raw = derToRaw(sig);
      if (!raw) return false;
      const k = await s.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
      return await s.verify({ name: 'ECDSA', hash: 'SHA-256' }, k, raw, data);
    }
    if (key.alg === -257) {
      const k = await s.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
        'verify',
      ]);
      return await s.verify({ name: 'RSASSA-PKCS1-v1_5' }, k, sig, data);
    }
    const k = await s.importKey('spki', spki, { name: 'Ed25519' }, false, ['verify']);
    return await s.verify({ name: 'Ed25519' }, k, sig, data);
  } catch {
    // A key WebCrypto cannot import, or a malformed signature, proves nothing.
    return false;
  }
}

/**
 * Checks that a passkey listed in `keys` (an issuer profile's `passkeys`) signed `challenge`: the client
 * data is a `webauthn.get` over exactly that challenge, the authenticator saw the user present, and the
 * signature over `authenticatorData ‖ SHA-256(clientDataJSON)` verifies under the listed key. The
 * origin and relying party are not judged: the key is bound to the issuer by the chain's commitment to
 * the profile, not by the portal's web address.
 */
export async function verifyPasskeyAssertion(
  assertion: PasskeyAssertion,
  challenge: Uint8Array,
  keys: readonly string[],
): Promise<AssertionCheck> {
  const key = keys.map(parsePasskeyKey).find((k) => k?.credentialId === assertion.credentialId);
  if (!key) return fail(`passkey ${assertion.credentialId} is not one of the issuer's for the term`);
  const authData = fromBase64url(assertion.authenticatorData);
  const clientData = fromBase64url(assertion.clientDataJSON);
  const sig = fromBase64url(assertion.signature);
  if (!authData || authData.length < 37 || !clientData || !sig) return fail('the signature is malformed');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(clientData));
  } catch {
    return fail('the signature is malformed: its client data is not JSON');
  }
  const cd = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (cd.type !== 'webauthn.get') return fail('the signature is not a WebAuthn assertion');
  if (cd.challenge !== toBase64url(challenge)) return fail('the passkey signed something else');
  if (!(authData[32]! & USER_PRESENT)) return fail('the authenticator did not see the user present');
  const clientHash = new Uint8Array(await subtle().digest('SHA-256', clientData));
  const data = new Uint8Array(authData.length + clientHash.length);
  data.set(authData);
  data.set(clientHash, authData.length);
  return (await verifySignature(key, sig, data))
    ? { ok: true, key }
    : fail(`the signature does not verify under passkey ${assertion.credentialId}`);
}
