import { MedproofError } from '../../core/index.js';
import type { Actor } from '../audit/Actor.js';
import type { AuditWriter } from '../audit/AuditWriter.js';
import { unseal, unsealText } from '../crypto/keyWrap.js';
import type { Db } from '../db/Db.js';
import { documentList, type DocumentListRow } from '../documents/documentRows.js';

export interface OpenedStamp {
  readonly doc: DocumentListRow;
  /** The envelope key (derived from the stamp's secret at issue). */
  readonly key: Buffer;
  /** The public summary, as stored at issue. */
  readonly summary: unknown;
}

/**
 * Verification stamps, read by their public id: anyone holding a printed document may open its
 * stamp, the way anyone may use a share link, so every open is audited on the patient's log. What
 * the caller gets is only good for building the encrypted envelope: without the secret from the
 * QR's fragment, the route's answer is ciphertext. An unknown id, and an erased document's, are NOT_FOUND.
 */
export class StampRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter,
    private readonly masterKey: Uint8Array,
  ) {}

  async open(actor: Actor, stampId: string): Promise<OpenedStamp> {
    const stamp = await this.db.kysely
      .selectFrom('document_stamps')
      .selectAll()
      .where('stamp_id', '=', stampId)
      .executeTakeFirst();
    const doc = stamp
      ? await documentList(this.db.kysely).where('d.id', '=', stamp.document_id).executeTakeFirst()
      : undefined;
    if (!stamp || !doc) throw new MedproofError('NOT_FOUND', 'no document carries this verification code');
    const opened = {
      doc,
      key: unseal(this.masterKey, stamp.key_sealed, `stamp-key:${doc.id}`),
      summary: JSON.parse(
        unsealText(this.masterKey, stamp.summary_sealed, `stamp-summary:${doc.id}`),
      ) as unknown,
    };
    await this.audit.append({
      actorId: actor.id,
      actorRole: actor.role,
      action: 'document.stamp-opened',
      outcome: 'success',
      documentId: doc.id,
      subjectId: doc.patient_id,
      ip: actor.ip,
      details: {},
    });
    return opened;
  }
}
