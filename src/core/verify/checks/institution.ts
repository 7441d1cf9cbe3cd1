import { institutionCommitment } from '../../identity/institutionCommitment.js';
import type { ReceiptV2 } from '../../receipt/receiptV2Schema.js';
import type { CheckResult, RegistryV2Facts } from '../types.js';
import type { Settled } from './chainFacts.js';
import { check } from './check.js';

/** The receipt's institution (name, domain) is the one the registry committed to. */
export function institution(facts: Settled<RegistryV2Facts>, receipt: ReceiptV2): CheckResult {
  if (!facts.ok)
    return check('institution', 'ERROR', 'CHAIN_UNREACHABLE', `could not read the registry: ${facts.error}`);
  const i = receipt.institution;
  return institutionCommitment(i, i.salt) === facts.value.institution.toLowerCase()
    ? check('institution', 'VALID', 'VALID', `registry belongs to ${i.name} (${i.domain})`)
    : check(
        'institution',
        'INVALID',
        'TAMPERED',
        'receipt was altered: its institution does not match the registry’s commitment',
      );
}
