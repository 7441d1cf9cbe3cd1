import type { Address } from 'viem';
import { registryV2Abi, type ChainConnection } from '../chain/index.js';
import { MedproofError, institutionCommitment, type Institution } from '../core/index.js';

/**
 * Registry v2 commits to its institution; every v2 receipt the portal hands out carries the configured
 * one. If they differ (another data folder deployed it, the name or domain setting changed), every
 * receipt would read TAMPERED: refuse to start instead, saying what to fix.
 */
export async function checkInstitution(
  conn: ChainConnection,
  registry: Address,
  institution: Institution,
): Promise<void> {
  const onChain = await conn.client.readContract({
    address: registry,
    abi: registryV2Abi,
    functionName: 'institution',
  });
  const ours = institutionCommitment(institution, institution.salt);
  if (onChain.toLowerCase() !== ours.toLowerCase())
    throw new MedproofError(
      'CONFIG_INVALID',
      `registry ${registry} commits to another institution than MEDPROOF_INSTITUTION_NAME/MEDPROOF_INSTITUTION_DOMAIN ` +
        `("${institution.name}", ${institution.domain}) with this process's secrets: set the name, domain and secrets (MEDPROOF_SECRETS_FILE) it was deployed with, ` +
        'or deploy it from this data folder (medproof deploy)',
    );
}
