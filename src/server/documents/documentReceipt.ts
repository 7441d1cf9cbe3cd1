import type { Hex } from 'viem';
import { anchorPointOf } from '../../anchoring/anchorPointOf.js';
import { buildReceipt } from '../../core/receipt/buildReceipt.js';
import type { Receipt } from '../../core/receipt/receiptSchema.js';
import type { Executor } from '../../store/db/Db.js';
import type { DocumentRow } from '../../store/documents/documentRows.js';

/** The document's receipt once its batch is confirmed; undefined while it is pending. */
export async function documentReceipt(db: Executor, doc: DocumentRow): Promise<Receipt | undefined> {
  const state = await anchorPointOf(db, doc.leaf as Hex);
  if (state?.state !== 'anchored' || !state.point) return undefined;
  return buildReceipt(
    {
      docHash: doc.doc_hash as Hex,
      salt: doc.salt as Hex,
      patientRef: doc.patient_ref as Hex,
      issuer: doc.issuer_address as Hex,
      docType: doc.doc_type,
      issuedAt: doc.issued_at,
    },
    doc.leaf as Hex,
    state.point,
  );
}
