import type { Hex } from 'viem';
import { verifyDocument, type Verification } from '../../core/index.js';
import type { DocumentRow } from '../../store/index.js';
import { documentReceipt } from '../documents/documentReceipt.js';
import type { PortalDeps } from '../PortalDeps.js';
import type { PortalVerification } from './PortalVerification.js';

export type { PortalVerification };

export const pending = (docHash: Hex): PortalVerification => ({
  verdict: 'PENDING',
  code: 'PENDING',
  message: 'issued and waiting to be anchored on the chain: check again shortly',
  docHash,
  checks: [],
  receipt: null,
});

/** Verifies against the portal's trusted chain and registry: reads the chain, never trusts the database's status. */
export async function verifyWithReceipt(
  deps: PortalDeps,
  docHash: Hex,
  receipt: unknown,
): Promise<Verification> {
  return verifyDocument({
    docHash,
    receipt,
    reader: deps.chain.reader,
    trust: { chainId: deps.chain.conn.chainId, registry: deps.chain.registry },
  });
}

/**
 * A document the portal issued: PENDING until anchored, then the chain's verdict on its receipt. An
 * answer is reused for as long as the chain reads behind it are (`MEDPROOF_CHAIN_CACHE_MS`).
 */
export async function verifyKnownDocument(
  deps: PortalDeps,
  doc: DocumentRow,
  docHash: Hex = doc.doc_hash as Hex,
): Promise<PortalVerification> {
  const key = `${doc.leaf}:${docHash}`;
  const hit = deps.verifications.get(key);
  if (hit) return hit;
  const receipt = await documentReceipt(deps, doc);
  if (!receipt) return pending(docHash);
  const result = { ...(await verifyWithReceipt(deps, docHash, receipt)), receipt };
  // Could-not-check answers are not kept: the next request tries again.
  if (result.verdict !== 'ERROR') deps.verifications.set(key, result);
  return result;
}
