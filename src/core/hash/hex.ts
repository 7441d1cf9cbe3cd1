import type { Hex } from 'viem';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case 0x-hex of bytes; a table lookup per byte, faster than viem's for the Merkle hot path. */
export function toHex(bytes: Uint8Array): Hex {
  let out = '0x';
  for (const b of bytes) out += HEX[b]!;
  return out as Hex;
}

const HEX_RE = /^0x[0-9a-fA-F]*$/;

// Nibble values by char code (-1: not hex): a table lookup per character, no substring or parseInt.
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[65 + i] = 10 + i;
  NIBBLE[97 + i] = 10 + i;
}

/** Bytes of a 0x-hex string of exactly `length` bytes, or undefined when it is not one. */
export function fromHex(hex: string, length?: number): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || hex.charCodeAt(0) !== 48 || (hex.charCodeAt(1) | 32) !== 120) return undefined;
  const n = (hex.length - 2) / 2;
  if (length !== undefined && n !== length) return undefined;
  const out = new Uint8Array(n);
  for (let i = 0, j = 2; i < n; i++, j += 2) {
    const hi = NIBBLE[hex.charCodeAt(j)] ?? -1;
    const lo = NIBBLE[hex.charCodeAt(j + 1)] ?? -1;
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function isBytes32(value: unknown): value is Hex {
  return typeof value === 'string' && value.length === 66 && HEX_RE.test(value);
}
