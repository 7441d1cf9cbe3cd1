import type { Hex } from 'viem';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case 0x-hex of bytes; a table lookup per byte, faster than viem's for the Merkle hot path. */
export function toHex(bytes: Uint8Array): Hex {
  let out = '0x';
  for (const b of bytes) out += HEX[b]!;
  return out as Hex;
}

const HEX_RE = /^0x[0-9a-fA-F]*$/;

/** Bytes of a 0x-hex string of exactly `length` bytes, or undefined when it is not one. */
export function fromHex(hex: string, length?: number): Uint8Array | undefined {
  if (!HEX_RE.test(hex) || hex.length % 2 !== 0) return undefined;
  const n = (hex.length - 2) / 2;
  if (length !== undefined && n !== length) return undefined;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

export function isBytes32(value: unknown): value is Hex {
  return typeof value === 'string' && value.length === 66 && HEX_RE.test(value);
}
