import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha256';
import type { Hex } from 'viem';
import { toHex } from '../hash/hex.js';
import type { PatientId } from './parsePatientId.js';

/**
 * `HMAC-SHA256(institution secret, normalised id)`. A plain hash of a 12-digit number is brute-forced
 * in minutes; without the secret this reveals nothing, and it still links one patient's documents.
 */
export function patientRef(secret: Uint8Array, id: PatientId): Hex {
  if (secret.length < 32) throw new RangeError('the patientRef secret must be at least 32 bytes');
  return toHex(hmac(sha256, secret, new TextEncoder().encode(id.normalised)));
}
