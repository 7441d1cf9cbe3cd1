import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveStampKey, openStampPayload, sealStampPayload } from './stampEnvelope.js';
import { initialsOf } from './initialsOf.js';

describe('stamp envelopes', () => {
  const stampId = 'ABCDEFGHJK';
  const secret = 'MNPQRSTVWXYZ012';
  const payload = { summary: { patient: { initials: 'M. R.' } }, docHash: `0x${'ab'.repeat(32)}` };

  it('open with the secret they were sealed for, and with nothing else', async () => {
    const key = await deriveStampKey(stampId, secret);
    expect(key).toHaveLength(32);
    const envelope = await sealStampPayload(key, stampId, payload, randomBytes(12));
    expect(JSON.stringify(envelope)).not.toContain('M. R.');
    expect(await openStampPayload(stampId, secret, envelope)).toEqual(payload);
    // Another secret, another id (the id is bound as associated data), a flipped byte: nothing.
    expect(await openStampPayload(stampId, 'MNPQRSTVWXYZ013', envelope)).toBeUndefined();
    expect(await openStampPayload('ABCDEFGHJM', secret, envelope)).toBeUndefined();
    const data = Buffer.from(envelope.data, 'base64url');
    data[0]! ^= 1;
    expect(
      await openStampPayload(stampId, secret, { ...envelope, data: data.toString('base64url') }),
    ).toBeUndefined();
    expect(await openStampPayload(stampId, secret, { ...envelope, iv: '!!' })).toBeUndefined();
  });

  it('derive the key with HKDF-SHA256 as RFC 5869 defines it (checked against node:crypto)', async () => {
    const { hkdfSync } = await import('node:crypto');
    const expected = Buffer.from(hkdfSync('sha256', secret, stampId, 'medproof stamp v1', 32));
    expect(Buffer.from(await deriveStampKey(stampId, secret))).toEqual(expected);
  });

  it('name the patient by initials only', () => {
    expect(initialsOf('Meera Rao')).toBe('M. R.');
    expect(initialsOf('  asha  k. patil ')).toBe('A. K. P.');
    expect(initialsOf('Ánanya Śarma')).toBe('Á. Ś.');
    expect(initialsOf('a b c d e')).toBe('A. B. C. D.');
  });
});
