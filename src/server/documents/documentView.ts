import { Type } from '@sinclair/typebox';
import { revocationReasonName } from '../../core/verify/revocationReasons.js';
import type { DocumentListRow } from '../../store/documents/documentRows.js';

export type AnchorStatus = 'pending' | 'anchored' | 'revoked' | 'failed';

export const DocumentSchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    docType: Type.String(),
    fileName: Type.String(),
    mimeType: Type.String(),
    size: Type.Number(),
    docHash: Type.String(),
    issuedAt: Type.Number({ description: 'unix seconds' }),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('anchored'),
      Type.Literal('revoked'),
      Type.Literal('failed'),
    ]),
    patient: Type.Object({ id: Type.String(), name: Type.String() }),
    issuer: Type.Object({
      id: Type.String(),
      name: Type.String(),
      registrationNumber: Type.Union([Type.String(), Type.Null()]),
      address: Type.String(),
    }),
    anchor: Type.Union([
      Type.Object({
        blockNumber: Type.Number(),
        txHash: Type.Union([Type.String(), Type.Null()]),
        anchoredAt: Type.Union([Type.Number(), Type.Null()]),
      }),
      Type.Null(),
    ]),
    revocation: Type.Union([
      Type.Object({ at: Type.Number(), reason: Type.Number(), reasonName: Type.String() }),
      Type.Null(),
    ]),
    requestId: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.Number(),
    sharedWithMe: Type.Optional(
      Type.Boolean({ description: 'in a doctor’s list: shared with you by the patient' }),
    ),
  },
  { $id: 'Document' },
);

/** pending → anchored (with block) → revoked; `failed` when the chain refused its batch. */
export function anchorStatus(r: DocumentListRow): AnchorStatus {
  if (r.status === 'revoked') return 'revoked';
  if (r.batch_status === 'failed') return 'failed';
  return r.leaf_status === 'anchored' && r.batch_status === 'confirmed' ? 'anchored' : 'pending';
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
    createdAt: r.created_at,
  };
}
