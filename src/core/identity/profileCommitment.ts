import { keccak_256 } from '@noble/hashes/sha3';
import type { Hex } from 'viem';
import { toHex } from '../hash/hex.js';
import { canonicalJson } from './canonicalJson.js';
import { encodeSaltedString } from './encodeSaltedString.js';
import type { IssuerProfile } from './identitySchemas.js';

/** `keccak256(abi.encode(bytes32 salt, string json))`: a commitment Solidity could recompute too. */
export function saltedCommitment(salt: Hex, json: string): Hex {
  return toHex(keccak_256(encodeSaltedString(salt, json)));
}

/**
 * The commitment an issuer's term holds: `keccak256(abi.encode(salt, canonicalJson(profile without salt)))`.
 * The salt keeps a well-known doctor's profile from being confirmed by guessing; canonical JSON makes
 * the bytes independent of key order.
 */
export function profileCommitment(profile: Omit<IssuerProfile, 'salt'> & { salt?: Hex }, salt: Hex): Hex {
  const { salt: _ignored, ...rest } = profile;
  return saltedCommitment(salt, canonicalJson(rest));
}
