import { encodeAbiParameters, keccak256, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson.js';
import { encodeSaltedString } from './encodeSaltedString.js';
import type { IssuerProfile } from './identitySchemas.js';
import { institutionCommitment } from './institutionCommitment.js';
import { profileCommitment } from './profileCommitment.js';
import { toHex } from '../hash/hex.js';

const SALT: Hex = `0x${'ab'.repeat(32)}`;
const profile: IssuerProfile = {
  name: 'Dr. A. Deshpande',
  registrationNumber: 'MMC 2011/04/1234',
  council: 'MMC',
  institution: { name: 'City Hospital', domain: 'city-hospital.example' },
  passkeys: ['pQECAyYgASFYIBbM', 'pQECAyYgASFYIC9z'],
  salt: SALT,
};

/** viem's abi.encode + keccak256: the reference the hand encoder must agree with byte for byte. */
const reference = (salt: Hex, json: string) =>
  keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'string' }], [salt, json]));

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,1]},"b":1}');
    expect(canonicalJson({ z: undefined, y: null })).toBe('{"y":null}');
    expect(canonicalJson({ é: 'ü\n"' })).toBe('{"é":"ü\\n\\""}');
  });

  it('refuses what JSON cannot say', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(RangeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});

describe('commitments', () => {
  it('the hand ABI encoder matches viem for empty, short, word-sized and multi-byte strings', () => {
    for (const text of ['', 'a', 'x'.repeat(32), 'y'.repeat(33), 'Dr. Å. Ωmega ✓'.repeat(5)]) {
      const viem = encodeAbiParameters([{ type: 'bytes32' }, { type: 'string' }], [SALT, text]);
      expect(toHex(encodeSaltedString(SALT, text))).toBe(viem);
    }
    expect(() => encodeSaltedString('0x1234', 'a')).toThrow(TypeError);
  });

  it('profileCommitment = keccak256(abi.encode(salt, canonicalJson(profile without salt)))', () => {
    const { salt: _s, ...rest } = profile;
    const expected = reference(SALT, canonicalJson(rest));
    expect(profileCommitment(profile, SALT)).toBe(expected);
    // Key order does not matter; the salt inside the object is not part of the JSON.
    const zero: Hex = `0x${'00'.repeat(32)}`;
    const reordered = { ...(Object.fromEntries(Object.entries(rest).reverse()) as typeof rest), salt: zero };
    expect(profileCommitment(reordered, SALT)).toBe(expected);
  });

  it('any edited field, another salt, or another passkey changes the commitment', () => {
    const base = profileCommitment(profile, SALT);
    const edits: IssuerProfile[] = [
      { ...profile, name: 'Dr. A. Deshpande.' },
      { ...profile, registrationNumber: 'MMC 2011/04/1235' },
      { ...profile, council: 'DMC' },
      { ...profile, institution: { ...profile.institution, domain: 'city-hospita1.example' } },
      { ...profile, passkeys: profile.passkeys.slice(0, 1) },
    ];
    for (const e of edits) expect(profileCommitment(e, SALT)).not.toBe(base);
    expect(profileCommitment(profile, `0x${'ac'.repeat(32)}`)).not.toBe(base);
  });

  it('institutionCommitment commits to name and domain only', () => {
    const inst = { name: 'City Hospital', domain: 'city-hospital.example' };
    expect(institutionCommitment(inst, SALT)).toBe(
      reference(SALT, '{"domain":"city-hospital.example","name":"City Hospital"}'),
    );
    expect(institutionCommitment({ ...inst, domain: 'city.example' }, SALT)).not.toBe(
      institutionCommitment(inst, SALT),
    );
  });
});
