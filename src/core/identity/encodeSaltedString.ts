import { fromHex } from '../hash/hex.js';

const WORD = 32;

/** A uint256 ABI word holding `n`. */
function word(n: number): Uint8Array {
  const out = new Uint8Array(WORD);
  let v = n;
  for (let i = WORD - 1; i >= 0 && v > 0; i--) {
    out[i] = v & 0xff;
    v = Math.floor(v / 256);
  }
  return out;
}

/**
 * `abi.encode(bytes32 salt, string text)`, by hand: salt word, offset of the string (0x40), its byte
 * length, then its UTF-8 bytes zero-padded to a whole word. Core keeps viem out of its runtime imports
 * (CLI start-up time), and this one shape is all the commitments need.
 */
export function encodeSaltedString(salt: string, text: string): Uint8Array {
  const saltBytes = fromHex(salt, WORD);
  if (!saltBytes) throw new TypeError('salt must be 32 bytes of 0x-hex');
  const data = new TextEncoder().encode(text);
  const padded = Math.ceil(data.length / WORD) * WORD;
  const out = new Uint8Array(3 * WORD + padded);
  out.set(saltBytes, 0);
  out.set(word(2 * WORD), WORD);
  out.set(word(data.length), 2 * WORD);
  out.set(data, 3 * WORD);
  return out;
}
