import type { ReceiptCore } from '../../receipt/receiptSchema.js';
import type { AnchorEventInfo, CheckResult } from '../types.js';
import type { AnchorFacts, Settled } from './chainFacts.js';
import { check } from './check.js';

/**
 * The receipt's transaction is the one that anchored its root: its receipt holds the registry's
 * Anchored(root) log, in the block the receipt names. A receipt pointing at another transaction, or at
 * another block, was altered (TAMPERED).
 *
 * One case is not tampering: the chain lost the receipt's transaction (a reorg, a dev node restarted
 * from older state) and the portal anchored the same root again in another transaction. The registry
 * holds the root, so the receipt still proves the document (receipts already handed out verify
 * again); this check then passes with code REANCHORED and says where the root is now — but only if the
 * registry emitted Anchored(root) in the block it names. A root with no such event was written into the
 * registry's storage, not anchored (a dev node's `anvil_setStorageAt`): TAMPERED.
 */
export function anchorTransaction(
  facts: {
    readonly anchorEvent: Settled<AnchorEventInfo>;
    readonly rootInfo: Settled<AnchorFacts>;
    /** Whether the registry emitted Anchored(root) in the block it names (asked only when the transaction is unknown). */
    readonly anchorLog?: Settled<boolean> | undefined;
  },
  receipt: ReceiptCore,
): CheckResult {
  if (!facts.anchorEvent.ok) {
    return check(
      'anchorTransaction',
      'ERROR',
      'CHAIN_UNREACHABLE',
      `could not read transaction ${receipt.txHash}: ${facts.anchorEvent.error}`,
    );
  }
  const ev = facts.anchorEvent.value;
  if (!ev.txFound) {
    const root = facts.rootInfo.ok ? facts.rootInfo.value : undefined;
    if (root && root.anchoredAt > 0) {
      const log = facts.anchorLog;
      if (!log || !log.ok)
        return check(
          'anchorTransaction',
          'ERROR',
          'CHAIN_UNREACHABLE',
          `the chain no longer has transaction ${receipt.txHash}, and the registry's Anchored events in block ${root.blockNumber} could not be read${log && !log.ok ? `: ${log.error}` : ''}`,
        );
      if (!log.value)
        return check(
          'anchorTransaction',
          'INVALID',
          'TAMPERED',
          `the chain has no transaction ${receipt.txHash}, and no transaction anchored the root in block ${root.blockNumber}: the registry's record was written, not anchored`,
        );
      return check(
        'anchorTransaction',
        'VALID',
        'REANCHORED',
        `the chain no longer has transaction ${receipt.txHash}; the registry holds the root, anchored again in block ${root.blockNumber}`,
      );
    }
    return check(
      'anchorTransaction',
      'INVALID',
      'NOT_ANCHORED',
      `the chain has no transaction ${receipt.txHash}`,
    );
  }
  if (!ev.found) {
    return check(
      'anchorTransaction',
      'INVALID',
      'TAMPERED',
      `transaction ${receipt.txHash} did not anchor this receipt’s root in the registry: the receipt was altered`,
    );
  }
  if (ev.blockNumber !== receipt.blockNumber) {
    return check(
      'anchorTransaction',
      'INVALID',
      'TAMPERED',
      `transaction ${receipt.txHash} is in block ${ev.blockNumber}, the receipt says block ${receipt.blockNumber}: the receipt was altered`,
    );
  }
  return check(
    'anchorTransaction',
    'VALID',
    'VALID',
    `transaction ${receipt.txHash} anchored the root in block ${ev.blockNumber}`,
  );
}
