import { encodeAbiParameters, toHex } from 'viem';
import { describe, expect, it } from 'vitest';
import { encodeLeaf } from './encodeLeaf.js';
import { LEAF_TYPES, type LeafFields } from './LeafFields.js';

const base: LeafFields = {
  docHash: `0x${'11'.repeat(32)}`,
  salt: `0x${'22'.repeat(32)}`,
  patientRef: `0x${'33'.repeat(32)}`,
  issuer: '0x00000000000000000000000000000000000000aA',
  docType: 'certificate',
  issuedAt: 1_764_000_000,
};

const viemEncode = (f: LeafFields) =>
  encodeAbiParameters(
    LEAF_TYPES.map((type) => ({ type })),
    [f.docHash, f.salt, f.patientRef, f.issuer.toLowerCase(), f.docType, BigInt(f.issuedAt)],
  );

describe('encodeLeaf', () => {
  // Strings of 0, 1, 31, 32, 33 and 64 bytes cross the padding boundaries; "é" is two UTF-8 bytes.
  it.each(['', 'a', 'x'.repeat(31), 'x'.repeat(32), 'x'.repeat(33), 'x'.repeat(64), 'réport'])(
    'equals viem’s abi.encode for docType %j',
    (docType) => {
      const f = { ...base, docType };
      expect(toHex(encodeLeaf(f))).toBe(viemEncode(f));
    },
  );

  it.each([0, 1, 2 ** 53 - 1])('encodes issuedAt %d as viem does', (issuedAt) => {
    const f = { ...base, issuedAt };
    expect(toHex(encodeLeaf(f))).toBe(viemEncode(f));
  });

  it('rejects fields the ABI cannot encode', () => {
    expect(() => encodeLeaf({ ...base, docHash: '0x11' })).toThrow(/docHash/);
    expect(() => encodeLeaf({ ...base, issuer: '0x1234' })).toThrow(/issuer/);
    expect(() => encodeLeaf({ ...base, issuedAt: -1 })).toThrow(/uint64/);
    expect(() => encodeLeaf({ ...base, issuedAt: 1.5 })).toThrow();
  });
});
