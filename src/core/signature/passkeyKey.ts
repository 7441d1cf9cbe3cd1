/**
 * A passkey's public key as an issuer profile lists it: `webauthn:<alg>:<credentialId>:<spki>`, with
 * the COSE algorithm number (-7 ES256, -8 EdDSA, -257 RS256), the credential id and the key's DER
 * SubjectPublicKeyInfo, both base64url. Self-describing, and SPKI is what WebCrypto imports in Node and
 * browsers alike, so a verifier needs no CBOR decoder.
 */
export interface PasskeyKey {
  readonly alg: number;
  readonly credentialId: string;
  readonly spki: string;
}

export const PASSKEY_ALGS = [-7, -8, -257] as const;

const B64URL = /^[A-Za-z0-9_-]+$/;

export function formatPasskeyKey(k: PasskeyKey): string {
  return `webauthn:${k.alg}:${k.credentialId}:${k.spki}`;
}

/** The key a profile string names, or undefined when the string is not one (unknown algorithm included). */
export function parsePasskeyKey(s: string): PasskeyKey | undefined {
  const parts = s.split(':');
  if (parts.length !== 4 || parts[0] !== 'webauthn') return undefined;
  const alg = Number(parts[1]);
  const [, , credentialId, spki] = parts as [string, string, string, string];
  if (!(PASSKEY_ALGS as readonly number[]).includes(alg)) return undefined;
  if (!B64URL.test(credentialId) || !B64URL.test(spki)) return undefined;
  return { alg, credentialId, spki };
}
