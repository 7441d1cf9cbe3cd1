import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import type { TSchema, Static } from '@sinclair/typebox';
import type { Address } from 'viem';
import { registryV2Abi, type ChainConnection } from '../chain/index.js';
import { institutionOf, institutionSecrets, type Config } from '../config/index.js';
import {
  InstitutionSchema,
  IssuerProfileSchema,
  MedproofError,
  institutionCommitment,
  profileCommitment,
  type Institution,
  type IssuerProfile,
} from '../core/index.js';

/** A JSON file checked against its schema at the boundary; every problem is MALFORMED_IDENTITY. */
function readJsonFile<S extends TSchema>(path: string, schema: S, what: string): Static<S> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const why = error instanceof SyntaxError ? 'not JSON' : 'cannot be read';
    throw new MedproofError('MALFORMED_IDENTITY', `${what} ${path}: ${why}`);
  }
  if (!Value.Check(schema, value)) {
    const first = [...Value.Errors(schema, value)][0];
    throw new MedproofError(
      'MALFORMED_IDENTITY',
      `${what} ${path} breaks its schema${first ? ` (${first.path || '/'}: ${first.message})` : ''}`,
    );
  }
  return value;
}

export const readProfileFile = (path: string): IssuerProfile =>
  readJsonFile(path, IssuerProfileSchema, 'issuer profile');

/**
 * The institution a v2 receipt names: `--institution FILE`, else the one the data folder's portal
 * derives (configured name and domain, salt from its secret), which is what `medproof start` deployed.
 */
export function institutionFor(config: Config, path: string | undefined): Institution {
  if (path !== undefined) return readJsonFile(path, InstitutionSchema, 'institution');
  return institutionOf(config, institutionSecrets(config));
}

/** Refuses an institution whose commitment is not the registry's: its receipts would not verify. */
export async function checkInstitutionOnChain(
  conn: ChainConnection,
  registry: Address,
  institution: Institution,
): Promise<void> {
  const onChain = await conn.client.readContract({
    address: registry,
    abi: registryV2Abi,
    functionName: 'institution',
  });
  if (onChain.toLowerCase() !== institutionCommitment(institution, institution.salt).toLowerCase())
    throw new MedproofError(
      'INSTITUTION_MISMATCH',
      `the institution ${institution.name} (${institution.domain}) with its salt is not what registry ${registry} commits to (${onChain}): pass --institution institution.json`,
    );
}

/**
 * Refuses a profile that is not the issuer's open term now: the verifier would read UNKNOWN_ISSUER,
 * ISSUER_NOT_ACTIVE or a profile mismatch for every document anchored with it.
 */
export async function checkProfileOnChain(
  conn: ChainConnection,
  registry: Address,
  issuer: Address,
  profile: IssuerProfile,
): Promise<void> {
  const now = (await conn.client.getBlock()).timestamp;
  const [status, , committed] = await conn.client.readContract({
    address: registry,
    abi: registryV2Abi,
    functionName: 'issuerAt',
    args: [issuer, now],
  });
  const STATUS = ['was never enrolled', 'is active', 'has no open term', 'is compromised'];
  if (status !== 1)
    throw new MedproofError(
      'PROFILE_MISMATCH',
      `issuer ${issuer} ${STATUS[status] ?? `has status ${status}`} on registry ${registry}: enroll it first (medproof issuer enroll)`,
    );
  const mine = profileCommitment(profile, profile.salt);
  if (committed.toLowerCase() !== mine.toLowerCase())
    throw new MedproofError(
      'PROFILE_MISMATCH',
      `the profile's commitment ${mine} is not issuer ${issuer}'s current term (${committed}): pass the profile file the term was enrolled with`,
    );
}
