import type { CheckResult } from '../types.js';
import type { AnchorFacts, Settled } from './chainFacts.js';
import { check } from './check.js';

/** The registry holds the receipt's root. */
export function rootAnchored(facts: { readonly rootInfo: Settled<AnchorFacts> }): CheckResult {
  if (!facts.rootInfo.ok) {
    return check(
      'rootAnchored',
      'ERROR',
      'CHAIN_UNREACHABLE',
      `could not read the registry: ${facts.rootInfo.error}`,
    );
  }
  const info = facts.rootInfo.value;
  return info.anchoredAt > 0
    ? check(
        'rootAnchored',
        'VALID',
        'VALID',
        `root anchored in block ${info.blockNumber} at ${new Date(info.anchoredAt * 1000).toISOString()}`,
      )
    : check('rootAnchored', 'INVALID', 'NOT_ANCHORED', 'the registry has no record of this document’s root');
}
