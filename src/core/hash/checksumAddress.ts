import { keccak_256 } from '@noble/hashes/sha3';
import type { Address } from 'viem';

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const UTF8 = new TextEncoder();

/** A 20-byte 0x-hex address in any case (no checksum check): viem's `isAddress(a, { strict: false })`. */
export function isAddressHex(value: unknown): value is Address {
  return typeof value === 'string' && ADDRESS_RE.test(value);
}

/**
 * EIP-55 mixed-case form of an address, as viem's `getAddress` returns it (a nibble is upper-case when
 * the matching nibble of keccak256(lower-case hex) is ≥ 8). Here so a verifier need not load viem.
 */
export function checksumAddress(address: string): Address {
  if (!isAddressHex(address)) throw new Error(`not an address: ${address}`);
  const lower = address.slice(2).toLowerCase();
  const hash = keccak_256(UTF8.encode(lower));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const nibble = i % 2 === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 0x0f;
    const c = lower[i]!;
    out += nibble >= 8 ? c.toUpperCase() : c;
  }
  return out as Address;
}
