import { createHmac, randomBytes } from 'node:crypto';
import type { Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { toHex } from '../hash/hex.js';
import { documentPatientRef } from './documentPatientRef.js';
import { parsePatientId } from './parsePatientId.js';
import { patientRef } from './patientRef.js';

const secret = randomBytes(32);
const salt = (): Hex => toHex(randomBytes(32));

describe('documentPatientRef', () => {
  const parsed = parsePatientId('+91 98765 43210');
  if (!parsed.ok) throw new Error(parsed.message);
  const id = parsed.value;

  it('is HMAC-SHA256(secret, normalised ‖ 0x00 ‖ salt), checked against node:crypto', () => {
    const s = salt();
    const expected = createHmac('sha256', secret)
      .update(Buffer.concat([Buffer.from(id.normalised), Buffer.from([0]), Buffer.from(s.slice(2), 'hex')]))
      .digest('hex');
    expect(documentPatientRef(secret, id, s)).toBe(`0x${expected}`);
  });

  it('differs per document, so two receipts of one patient cannot be linked, yet is reproducible', () => {
    const [s1, s2] = [salt(), salt()];
    const a = documentPatientRef(secret, id, s1);
    expect(documentPatientRef(secret, id, s2)).not.toBe(a);
    expect(a).not.toBe(patientRef(secret, id));
    // The institution, holding the secret, confirms a receipt belongs to this id.
    expect(documentPatientRef(secret, id, s1)).toBe(a);
    expect(documentPatientRef(randomBytes(32), id, s1)).not.toBe(a);
  });

  it('refuses a short secret and a malformed salt', () => {
    expect(() => documentPatientRef(randomBytes(16), id, salt())).toThrow(RangeError);
    expect(() => documentPatientRef(secret, id, '0x12')).toThrow(TypeError);
  });
});
