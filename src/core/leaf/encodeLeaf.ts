import { fromHex } from '../hash/hex.js';
import type { LeafFields } from './LeafFields.js';

const WORD = 32;
/** Six head words: three bytes32, address, the string's offset, uint64. */
const HEAD = 6 * WORD;
const UINT64_MAX = 2n ** 64n - 1n;
const UTF8 = new TextEncoder();

function bytes(hex: string, length: number, what: string): Uint8Array {
  const b = fromHex(hex, length);
  if (!b) throw new Error(`leaf ${what}: expected ${length} bytes of 0x-hex`);
  return b;
}

/** Writes `value` big-endian into the 32-byte word at `at` (left-padded, as the ABI encodes uints). */
function writeUint(out: Uint8Array, at: number, value: bigint): void {
  for (let i = WORD - 1; i >= 0 && value > 0n; i--) {
    out[at + i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

/**
 * `abi.encode(bytes32 docHash, bytes32 salt, bytes32 patientRef, address issuer, string docType,
 * uint64 issuedAt)` by hand: six head words (the string's is its offset, 0xc0), then the string's
 * length word and its UTF-8 bytes right-padded to a word. Hand-written so core needs no ABI library.
 */
export function encodeLeaf(f: LeafFields): Uint8Array {
  const issuedAt = BigInt(f.issuedAt);
  if (issuedAt < 0n || issuedAt > UINT64_MAX) throw new Error('leaf issuedAt: not a uint64');
  const docType = UTF8.encode(f.docType);
  const padded = Math.ceil(docType.length / WORD) * WORD;
  const out = new Uint8Array(HEAD + WORD + padded);
  out.set(bytes(f.docHash, 32, 'docHash'), 0);
  out.set(bytes(f.salt, 32, 'salt'), WORD);
  out.set(bytes(f.patientRef, 32, 'patientRef'), 2 * WORD);
  out.set(bytes(f.issuer, 20, 'issuer'), 3 * WORD + 12);
  writeUint(out, 4 * WORD, BigInt(HEAD));
  writeUint(out, 5 * WORD, issuedAt);
  writeUint(out, HEAD, BigInt(docType.length));
  out.set(docType, HEAD + WORD);
  return out;
}
