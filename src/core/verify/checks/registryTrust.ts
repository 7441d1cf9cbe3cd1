import type { TrustList } from '../../identity/trustListSchema.js';
import type { ReceiptV2 } from '../../receipt/receiptV2Schema.js';
import type { CheckResult, TrustAnchor } from '../types.js';
import { check, skipped } from './check.js';

export interface TrustSources {
  readonly anchor: TrustAnchor;
  readonly trustList?: TrustList | undefined;
  /** The institutionDomain check's outcome; SKIPPED when the verifier has no resolver. */
  readonly dns: CheckResult;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Whether the verifier trusts the receipt's registry (check `registry` of a v2 receipt): it is the
 * configured registry, or on the trust list the verifier chose (for the institution the receipt
 * names), or its institution's domain names it in DNS. Anyone can deploy a registry and enrol
 * themselves, so a registry trusted by none of these proves nothing: UNTRUSTED_REGISTRY. With no trust
 * source at all the receipt's registry is taken as it is, as for v1 receipts, and the check says so.
 */
export function registryTrust(receipt: ReceiptV2, sources: TrustSources): CheckResult {
  const { anchor, trustList, dns } = sources;
  if (anchor.registry !== undefined && same(anchor.registry, receipt.registry))
    return check('registry', 'VALID', 'VALID', `receipt names the configured registry ${anchor.registry}`);

  const listed = trustList?.registries.find(
    (e) => e.chainId === receipt.chainId && same(e.registry, receipt.registry),
  );
  if (listed && trustList) {
    const i = receipt.institution;
    if (same(listed.institution.domain, i.domain) && listed.institution.name === i.name)
      return check(
        'registry',
        'VALID',
        'VALID',
        `registry of ${i.name} (${i.domain}) on trust list “${trustList.name}”`,
      );
    return check(
      'registry',
      'INVALID',
      'UNTRUSTED_REGISTRY',
      `trust list “${trustList.name}” has registry ${receipt.registry} as ${listed.institution.name} (${listed.institution.domain}), but it commits to ${i.name} (${i.domain})`,
    );
  }
  if (dns.status === 'VALID')
    return check(
      'registry',
      'VALID',
      'VALID',
      `registry named by ${receipt.institution.domain}’s DNS record`,
    );

  const hasDns = dns.status !== 'SKIPPED';
  if (anchor.registry === undefined && trustList === undefined && !hasDns)
    return skipped(
      'registry',
      `no trust source configured: trusting the receipt's registry ${receipt.registry}`,
    );
  // DNS was the last way left to trust the registry and could not be asked: could not check.
  if (dns.status === 'ERROR') return check('registry', 'ERROR', dns.code, dns.message);

  const why = [
    anchor.registry !== undefined ? `not the configured ${anchor.registry}` : undefined,
    trustList ? `not on trust list “${trustList.name}”` : undefined,
    hasDns ? `DNS: ${dns.message}` : undefined,
  ].filter((s) => s !== undefined);
  return check(
    'registry',
    'INVALID',
    'UNTRUSTED_REGISTRY',
    `receipt names registry ${receipt.registry}: ${why.join('; ')}`,
  );
}
