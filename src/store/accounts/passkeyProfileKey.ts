import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { decodeCredentialPublicKey, isoBase64URL } from '@simplewebauthn/server/helpers';
import { formatPasskeyKey } from '../../core/index.js';

const b64 = (v: unknown) => (v instanceof Uint8Array ? isoBase64URL.fromBuffer(new Uint8Array(v)) : '');

/** The JWK of a COSE_Key (RFC 9053): EC2 P-256, OKP Ed25519, RSA. Undefined for anything else. */
function jwkOf(cose: Map<number, unknown>): JsonWebKey | undefined {
  const kty = cose.get(1);
  if (kty === 2 && cose.get(-1) === 1)
    return { kty: 'EC', crv: 'P-256', x: b64(cose.get(-2)), y: b64(cose.get(-3)) };
  if (kty === 1 && cose.get(-1) === 6) return { kty: 'OKP', crv: 'Ed25519', x: b64(cose.get(-2)) };
  if (kty === 3) return { kty: 'RSA', n: b64(cose.get(-1)), e: b64(cose.get(-2)) };
  return undefined;
}

/**
 * A stored passkey (COSE public key, base64url) as the issuer profile lists it: the key as DER SPKI,
 * what a verifier's WebCrypto imports without a CBOR decoder. Undefined for a key type verifiers
 * cannot check: it is left out of the profile rather than listed unverifiable.
 */
export function passkeyProfileKey(k: { credentialId: string; publicKey: string; algorithm: number }) {
  try {
    const cose = decodeCredentialPublicKey(isoBase64URL.toBuffer(k.publicKey)) as unknown as Map<
      number,
      unknown
    >;
    const jwk = jwkOf(cose);
    if (!jwk) return undefined;
    const spki = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    return formatPasskeyKey({
      alg: k.algorithm,
      credentialId: k.credentialId,
      spki: spki.toString('base64url'),
    });
  } catch {
    return undefined;
  }
}
