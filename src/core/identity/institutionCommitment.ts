import type { Hex } from 'viem';
import { canonicalJson } from './canonicalJson.js';
import type { InstitutionName } from './identitySchemas.js';
import { saltedCommitment } from './profileCommitment.js';

/** The registry's institution commitment: `keccak256(abi.encode(salt, canonicalJson({name, domain})))`. */
export function institutionCommitment(institution: InstitutionName, salt: Hex): Hex {
  return saltedCommitment(salt, canonicalJson({ name: institution.name, domain: institution.domain }));
}
