import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from './base64url.js';
import { derToRaw } from './derToRaw.js';
import { formatPasskeyKey, parsePasskeyKey } from './passkeyKey.js';
import { verifyPasskeyAssertion } from './verifyPasskeyAssertion.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');

function passkey(type: 'ec' | 'ed25519' | 'rsa') {
  const pair =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  const credentialId = b64(randomBytes(16));
  const alg = type === 'ec' ? -7 : type === 'rsa' ? -257 : -8;
  const spki = b64(pair.publicKey.export({ type: 'spki', format: 'der' }));
  return {
    credentialId,
    privateKey: pair.privateKey,
    key: formatPasskeyKey({ alg, credentialId, spki }),
    type,
  };
}

function assertion(
  k: { credentialId: string; privateKey: KeyObject; type: string },
  challenge: Uint8Array,
  o: { type?: string; flags?: number; challengeText?: string } = {},
) {
  const authenticatorData = Buffer.concat([randomBytes(32), Buffer.from([o.flags ?? 0x05]), Buffer.alloc(4)]);
  const clientDataJSON = Buffer.from(
    JSON.stringify({
      type: o.type ?? 'webauthn.get',
      challenge: o.challengeText ?? b64(challenge),
      origin: 'https://portal.example',
    }),
  );
  const data = Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]);
  const signature = sign(k.type === 'ed25519' ? null : 'sha256', data, k.privateKey);
  return {
    credentialId: k.credentialId,
    authenticatorData: b64(authenticatorData),
    clientDataJSON: b64(clientDataJSON),
    signature: b64(signature),
  };
}

describe('verifyPasskeyAssertion', () => {
  const leaf = randomBytes(32);

  it.each(['ec', 'ed25519', 'rsa'] as const)(
    'accepts a %s passkey listed in the profile that signed the leaf',
    async (t) => {
      const k = passkey(t);
      const r = await verifyPasskeyAssertion(assertion(k, leaf), leaf, [passkey('ec').key, k.key]);
      expect(r.ok).toBe(true);
    },
  );

  it('refuses a key the profile does not list, even if the signature is good', async () => {
    const k = passkey('ec');
    const r = await verifyPasskeyAssertion(assertion(k, leaf), leaf, [passkey('ec').key]);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('not one of the issuer') });
  });

  it('refuses another key signing under a listed credential id', async () => {
    const listed = passkey('ec');
    const other = { ...passkey('ec'), credentialId: listed.credentialId };
    const r = await verifyPasskeyAssertion(assertion(other, leaf), leaf, [listed.key]);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('does not verify') });
  });

  it('refuses a signature over another challenge, a registration, or without user presence', async () => {
    const k = passkey('ec');
    const other = randomBytes(32);
    expect((await verifyPasskeyAssertion(assertion(k, other), leaf, [k.key])).ok).toBe(false);
    expect(
      (await verifyPasskeyAssertion(assertion(k, leaf, { type: 'webauthn.create' }), leaf, [k.key])).ok,
    ).toBe(false);
    expect((await verifyPasskeyAssertion(assertion(k, leaf, { flags: 0x04 }), leaf, [k.key])).ok).toBe(false);
  });

  it('refuses a flipped byte in the authenticator data', async () => {
    const k = passkey('ec');
    const a = assertion(k, leaf);
    const data = fromBase64url(a.authenticatorData)!;
    data[36]! ^= 1;
    const r = await verifyPasskeyAssertion({ ...a, authenticatorData: toBase64url(data) }, leaf, [k.key]);
    expect(r.ok).toBe(false);
  });
});

describe('passkey key strings and encodings', () => {
  it('round-trips base64url of every length against Buffer', () => {
    for (let n = 0; n < 40; n++) {
      const b = randomBytes(n);
      expect(toBase64url(b)).toBe(b64(b));
      expect(Buffer.from(fromBase64url(b64(b))!)).toEqual(b);
    }
    expect(fromBase64url('a+b')).toBeUndefined();
  });

  it('parses what it formats and refuses unknown algorithms', () => {
    const k = { alg: -7, credentialId: 'abc_-', spki: 'MFkw' };
    expect(parsePasskeyKey(formatPasskeyKey(k))).toEqual(k);
    expect(parsePasskeyKey('webauthn:-999:abc:MFkw')).toBeUndefined();
    expect(parsePasskeyKey('pgp:-7:abc:MFkw')).toBeUndefined();
  });

  it('turns a DER ECDSA signature into r ‖ s that WebCrypto verifies, short integers included', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = await crypto.subtle.importKey(
      'spki',
      publicKey.export({ type: 'spki', format: 'der' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    // Enough signatures that some r or s has a leading zero byte (DER drops it) or a high bit (DER pads it).
    for (let i = 0; i < 64; i++) {
      const data = randomBytes(8);
      const raw = derToRaw(sign('sha256', data, privateKey))!;
      expect(
        await crypto.subtle.verify(
          { name: 'ECDSA', hash: 'SHA-256' },
          key,
          new Uint8Array(raw),
          new Uint8Array(data),
        ),
      ).toBe(true);
    }
    expect(derToRaw(new Uint8Array([0x30, 0x02, 0x02, 0x00]))).toBeUndefined();
  });
});
