import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha256';
import type { Hex } from 'viem';
import { fromHex, toHex } from '../hash/hex.js';
import type { PatientId } from './parsePatientId.js';

/**
 * The per-document patient reference of receipt v2: `HMAC-SHA256(secret, normalised id ‖ 0x00 ‖ salt)`
 * with the document's salt. Unlike {@link patientRef}, two receipts of one patient share nothing, so
 * outsiders holding both cannot link them; the institution, holding the secret, can still confirm that a
 * receipt belongs to a given patient id. The 0x00 separator cannot occur in a normalised id.
 */
export function documentPatientRef(secret: Uint8Array, id: PatientId, salt: Hex): Hex {
  if (secret.length < 32) throw new RangeError('the patientRef secret must be at least 32 bytes');
  const saltBytes = fromHex(salt, 32);
  if (!saltBytes) throw new TypeError('salt must be 32 bytes of 0x-hex');
  const idBytes = new TextEncoder().encode(id.normalised);
  const message = new Uint8Array(idBytes.length + 1 + saltBytes.length);
  message.set(idBytes, 0);
  message.set(saltBytes, idBytes.length + 1);
  return toHex(hmac(sha256, secret, message));
}
