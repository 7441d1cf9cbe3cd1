import { getAddress, isAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { checksumAddress, isAddressHex } from './checksumAddress.js';

const samples = [
  '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed',
  '0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359',
  '0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb',
  '0x0000000000000000000000000000000000000000',
  '0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF',
  '0x5c091197e4ab23813e85a4d4f944a42482af2500',
];

describe('checksumAddress', () => {
  it.each(samples)('equals viem’s getAddress for %s', (a) => {
    expect(checksumAddress(a)).toBe(getAddress(a));
  });

  it('accepts what viem accepts without a checksum check, and nothing else', () => {
    for (const a of [...samples, '0x12', 'abc', '0x' + 'g'.repeat(40), 'x'.repeat(42)])
      expect(isAddressHex(a)).toBe(isAddress(a, { strict: false }));
    expect(() => checksumAddress('0x12')).toThrow();
  });
});
