import type { Selectable } from 'kysely';
import type { Executor } from '../db/Db.js';
import type { DocumentsTable } from '../db/schema.js';

export type DocumentRow = Selectable<DocumentsTable>;

/** A document with what the UI shows beside it: names, and how far its anchoring got. */
export interface DocumentListRow extends DocumentRow {
  patient_name: string;
  issuer_name: string;
  registration_number: string | null;
  leaf_status: string | null;
  batch_status: string | null;
  block_number: number | null;
  tx_hash: string | null;
  confirmed_at: number | null;
  batch_error: string | null;
  /** The doctor's passkey signature over the leaf: `awaited` keeps it out of the anchoring queue (0013). */
  issue_signature: 'awaited' | 'signed' | null;
}

/** Documents joined with names and anchoring state; filter with `where` (a kysely callback). */
export function documentList(db: Executor) {
  return db
    .selectFrom('documents as d')
    .innerJoin('users as p', 'p.id', 'd.patient_id')
    .innerJoin('users as i', 'i.id', 'd.issuer_id')
    .leftJoin('doctors as dr', 'dr.user_id', 'd.issuer_id')
    .leftJoin('anchor_leaves as l', 'l.leaf', 'd.leaf')
    .leftJoin('anchor_batches as b', 'b.id', 'l.batch_id')
    .leftJoin('document_signatures as sig', (j) =>
      j.onRef('sig.document_id', '=', 'd.id').on('sig.purpose', '=', 'issue'),
    )
    .selectAll('d')
    .select([
      'p.name as patient_name',
      'i.name as issuer_name',
      'dr.registration_number',
      'l.status as leaf_status',
      'b.status as batch_status',
      'b.block_number',
      'b.tx_hash',
      'b.confirmed_at',
      'b.last_error as batch_error',
      (eb) =>
        eb
          .case()
          .when('sig.document_id', 'is', null)
          .then(null)
          .when('sig.assertion', 'is', null)
          .then('awaited')
          .else('signed')
          .end()
          .$castTo<'awaited' | 'signed' | null>()
          .as('issue_signature'),
    ])
    .where('d.status', '!=', 'erased')
    .orderBy('d.created_at', 'desc');
}

/** A document the given user may read: the patient's own, the issuer's, or shared with that doctor by name. */
export async function readableDocument(
  db: Executor,
  userId: string,
  role: string,
  documentId: string,
  now = Date.now(),
): Promise<DocumentListRow | undefined> {
  let q = documentList(db).where('d.id', '=', documentId);
  if (role === 'patient') q = q.where('d.patient_id', '=', userId);
  else if (role === 'doctor') {
    q = q.where((eb) =>
      eb.or([
        eb('d.issuer_id', '=', userId),
        eb.exists(
          eb
            .selectFrom('shares as s')
            .select('s.id')
            .whereRef('s.document_id', '=', 'd.id')
            .where('s.recipient_doctor_id', '=', userId)
            .where('s.revoked_at', 'is', null)
            .where('s.expires_at', '>', now),
        ),
      ]),
    );
  } else return undefined;
  return await q.executeTakeFirst();
}
