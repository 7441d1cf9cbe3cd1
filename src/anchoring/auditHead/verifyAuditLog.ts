import type { Address } from 'viem';
import type { RegistryReader } from '../../core/index.js';
import {
  auditAnchorsNewestFirst,
  verifyAuditChain,
  type AuditChainReport,
  type Executor,
} from '../../store/index.js';
import { checkAnchoredAuditHead, type AnchoredHeadCheck } from './checkAnchoredAuditHead.js';

export interface AuditLogReport extends AuditChainReport {
  /** Present when the hash chain verified: what the chain says about the newest anchored head. */
  readonly anchoredHead?: AnchoredHeadCheck;
}

/**
 * The whole audit check, as `medproof audit verify` and GET /api/audit/verify run it: the hash chain
 * first (a broken one names its row), then the newest anchored head against the log and the chain.
 * `ok` only when both hold; a chain that cannot be asked is not ok either (nothing was proven). The
 * reader is asked for only when some head was ever committed (a CLI may have to start a node for it).
 */
export async function verifyAuditLog(
  db: Executor,
  reader: () => Promise<Pick<RegistryReader, 'chainId' | 'rootInfo'>>,
  trust: { readonly registry?: Address | undefined } = {},
): Promise<AuditLogReport> {
  const chain = await verifyAuditChain(db);
  if (!chain.ok) return chain;
  if ((await auditAnchorsNewestFirst(db, 1)).length === 0)
    return {
      ...chain,
      anchoredHead: {
        status: 'none',
        pending: 0,
        message: 'no audit head was ever anchored: only the hash chain was checked',
      },
    };
  const anchoredHead = await checkAnchoredAuditHead(db, await reader(), trust);
  return {
    ...chain,
    ok: anchoredHead.status === 'ok' || anchoredHead.status === 'none',
    anchoredHead,
  };
}
