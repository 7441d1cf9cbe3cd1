import { parseMedproofTxt } from '../../identity/parseMedproofTxt.js';
import type { TxtResolver } from '../../identity/TxtResolver.js';
import type { ReceiptV2 } from '../../receipt/receiptV2Schema.js';
import type { CheckResult } from '../types.js';
import { check, skipped } from './check.js';

/**
 * The institution's domain vouches for the registry (OpenAttestation's DNS-TXT identity proof): a TXT
 * record `medproof chain=<chainId> registry=<address>` on the domain the receipt (and the registry's
 * commitment) names. Whoever controls the domain's DNS decides which registry speaks for it.
 */
export async function institutionDomain(
  resolver: TxtResolver | undefined,
  receipt: ReceiptV2,
): Promise<CheckResult> {
  const domain = receipt.institution.domain;
  if (!resolver)
    return skipped('institutionDomain', 'no DNS resolver: the institution’s domain was not checked');
  let records: string[][];
  try {
    records = await resolver.resolveTxt(domain);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return check('institutionDomain', 'ERROR', 'DNS_UNREACHABLE', `could not look up ${domain}: ${why}`);
  }
  const medproof = records.map(parseMedproofTxt).filter((r) => r !== undefined);
  if (medproof.length === 0)
    return check('institutionDomain', 'INVALID', 'DNS_NOT_FOUND', `${domain} has no medproof TXT record`);
  const match = medproof.some(
    (r) => r.chainId === receipt.chainId && r.registry.toLowerCase() === receipt.registry.toLowerCase(),
  );
  return match
    ? check('institutionDomain', 'VALID', 'VALID', `${domain} (DNS-verified)`)
    : check(
        'institutionDomain',
        'INVALID',
        'DNS_MISMATCH',
        `${domain} names ${medproof.map((r) => `registry ${r.registry} on chain ${r.chainId}`).join(', ')}, not the receipt’s ${receipt.registry} on chain ${receipt.chainId}`,
      );
}
