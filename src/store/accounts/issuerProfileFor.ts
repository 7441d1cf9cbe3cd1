import { randomBytes } from 'node:crypto';
import type { Hex } from 'viem';
import {
  IssuerProfileSchema,
  profileCommitment,
  type InstitutionName,
  type IssuerProfile,
} from '../../core/index.js';
import { Value } from '@sinclair/typebox/value';

/** The registering council of a doctor created without one: India's National Medical Commission. */
export const DEFAULT_COUNCIL = 'NMC';

/**
 * A new doctor's public issuer profile with a fresh random salt: what their registry v2 term commits to
 * and every receipt of theirs carries. No passkeys yet (the portal signs for them).
 */
export function newIssuerProfile(
  doctor: { readonly name: string; readonly registrationNumber: string; readonly council?: string },
  institution: InstitutionName,
): { profile: IssuerProfile; commitment: Hex } {
  const profile: IssuerProfile = {
    name: doctor.name,
    registrationNumber: doctor.registrationNumber,
    council: doctor.council?.trim() || DEFAULT_COUNCIL,
    institution: { name: institution.name, domain: institution.domain },
    passkeys: [],
    salt: `0x${randomBytes(32).toString('hex')}`,
  };
  return { profile, commitment: profileCommitment(profile, profile.salt) };
}

/** A stored profile (doctors.issuer_profile), checked against its schema; undefined when there is none. */
export function storedIssuerProfile(json: string | null): IssuerProfile | undefined {
  if (json === null) return undefined;
  const value: unknown = JSON.parse(json);
  if (!Value.Check(IssuerProfileSchema, value)) throw new Error('a stored issuer profile breaks its schema');
  return value;
}

/** The commitment of a stored profile. */
export const commitmentOf = (p: IssuerProfile): Hex => profileCommitment(p, p.salt);
