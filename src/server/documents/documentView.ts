import { revocationReasonName } from '../../core/index.js';
import type { DocumentListRow } from '../../store/index.js';

export type AnchorStatus = 'pending' | 'anchored' | 'revoked' | 'failed';

/** pending → anchored (with block) → revoked; `failed` when the chain refused its batch. */
export function anchorStatus(r: DocumentListRow): AnchorStatus {
  if (r.status === 'revoked') return 'revoked';
  if (r.batch_status === 'failed') return 'failed';
  // Confirmed and final both count; built/sent/mined (and a batch sent back after a reorg) are pending.
  const batchAnchored = r.batch_status === 'confirmed' || r.batch_status === 'final';
  return r.leaf_status === 'anchored' && batchAnchored ? 'anchored' : 'pending';
}

export function documentView(r: DocumentListRow) {
  const anchored = r.leaf_status === 'anchored' && r.block_number !== null;
  return {
    id: r.id,
    title: r.title,
    docType: r.doc_type,
    fileName: r.file_name,
    mimeType: r.mime_type,
    size: r.size,
    docHash: r.doc_hash,
    issuedAt: r.issued_at,
    status: anchorStatus(r),
    patient: { id: r.patient_id, name: r.patient_name },
    issuer: {
      id: r.issuer_id,
      name: r.issuer_name,
      registrationNumber: r.registration_number,
      address: r.issuer_address,
    },
    anchor: anchored ? { blockNumber: r.block_number!, txHash: r.tx_hash, anchoredAt: r.confirmed_at } : null,
    revocation:
      r.revoked_at !== null
        ? {
            at: r.revoked_at,
            reason: r.revoke_reason ?? 0,
            reasonName: revocationReasonName(r.revoke_reason ?? 0),
          }
        : null,
    requestId: r.request_id,
    // Whether the issuing doctor's passkey signed the leaf; `awaited`: not anchored until they do.
    signature: r.issue_signature ?? 'none',
    createdAt: r.created_at,
  };
}
