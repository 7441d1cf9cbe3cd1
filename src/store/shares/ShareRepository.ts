import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { MedproofError } from '../../core/index.js';
import type { Actor } from '../audit/Actor.js';
import { appendAudit } from '../audit/appendAudit.js';
import type { AuditWriter } from '../audit/AuditWriter.js';
import { sealText, unsealText } from '../crypto/keyWrap.js';
import type { Db, Executor } from '../db/Db.js';
import type { SharesTable } from '../db/schema.js';
import { activeShare, type DocumentRepository } from '../documents/DocumentRepository.js';
import type { DocumentRow } from '../documents/documentRows.js';
import { checkShareToken, newShareToken, tokenHash } from './shareToken.js';
import { enqueueNotification } from '../notifications/enqueueNotification.js';

export type ShareRow = Selectable<SharesTable>;

/** What a link holder asks for: `content` uses one view; `view` and `receipt` need a view left. */
export type ShareUse = 'view' | 'content' | 'receipt';

export interface ShareListing extends ShareRow {
  readonly token: string;
  readonly recipientName: string | null;
  readonly active: boolean;
}

const isActive = (s: ShareRow, now: number) =>
  s.revoked_at === null && s.expires_at > now && (s.max_views === null || s.views < s.max_views);

/**
 * Share links. The owning patient creates, lists and revokes them; anyone holding one (or only the
 * doctor it names) uses it until it expires (SHARE_EXPIRED), runs out of views (SHARE_USED_UP) or is
 * revoked (NOT_FOUND). A use of `content` is one guarded statement, so concurrent requests never get
 * more than `maxViews`. Every use, allowed or refused, is audited for the patient to see.
 */
export class ShareRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter,
    private readonly masterKey: Uint8Array,
    private readonly documents: DocumentRepository,
  ) {}

  async create(
    owner: Actor & { id: string },
    documentId: string,
    o: { expiresInHours: number; maxViews?: number; recipientDoctorId?: string },
  ): Promise<{
    id: string;
    token: string;
    expiresAt: number;
    maxViews: number | null;
    recipientDoctorId: string | null;
  }> {
    const doc = await this.ownedDocument(owner, documentId);
    if (o.recipientDoctorId !== undefined) {
      const d = await this.db.kysely
        .selectFrom('doctors')
        .innerJoin('users', 'users.id', 'doctors.user_id')
        .select('users.id')
        .where('users.id', '=', o.recipientDoctorId)
        .where('users.status', '=', 'active')
        .executeTakeFirst();
      if (!d) throw new MedproofError('NOT_FOUND', 'no such doctor', { field: 'recipientDoctorId' });
    }
    const id = randomUUID();
    const token = newShareToken(this.masterKey, id);
    const now = Date.now();
    const expiresAt = now + o.expiresInHours * 3_600_000;
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('shares')
        .values({
          id,
          document_id: doc.id,
          owner_id: owner.id,
          token_hash: tokenHash(token),
          token_sealed: sealText(this.masterKey, token, `share-token:${id}`),
          recipient_doctor_id: o.recipientDoctorId ?? null,
          expires_at: expiresAt,
          max_views: o.maxViews ?? null,
          views: 0,
          revoked_at: null,
          created_at: now,
        })
        .execute();
      await appendAudit(trx, {
        actorId: owner.id,
        actorRole: owner.role,
        action: 'share.created',
        outcome: 'success',
        documentId: doc.id,
        subjectId: owner.id,
        ip: owner.ip,
        details: { shareId: id, recipientDoctorId: o.recipientDoctorId ?? null, expiresAt },
      });
    });
    return {
      id,
      token,
      expiresAt,
      maxViews: o.maxViews ?? null,
      recipientDoctorId: o.recipientDoctorId ?? null,
    };
  }

  /** The document's links with their tokens (so the owner can reopen one); the listing is audited. */
  async list(owner: Actor & { id: string }, documentId: string): Promise<ShareListing[]> {
    const doc = await this.ownedDocument(owner, documentId);
    const rows = await this.db.kysely
      .selectFrom('shares as s')
      .leftJoin('users as u', 'u.id', 's.recipient_doctor_id')
      .selectAll('s')
      .select('u.name as recipient_name')
      .where('s.document_id', '=', doc.id)
      .orderBy('s.created_at', 'desc')
      .execute();
    await this.audit.append({
      actorId: owner.id,
      actorRole: owner.role,
      action: 'share.listed',
      outcome: 'success',
      documentId: doc.id,
      subjectId: owner.id,
      ip: owner.ip,
      details: { count: rows.length },
    });
    const now = Date.now();
    return rows.map(({ recipient_name, ...s }) => ({
      ...s,
      token: unsealText(this.masterKey, s.token_sealed, `share-token:${s.id}`),
      recipientName: recipient_name,
      active: isActive(s, now),
    }));
  }

  /** One link's token for its QR code; showing it is audited. */
  async tokenOf(owner: Actor & { id: string }, shareId: string): Promise<string> {
    const s = await this.ownedShare(owner, shareId);
    await this.audit.append({
      actorId: owner.id,
      actorRole: owner.role,
      action: 'share.qr-viewed',
      outcome: 'success',
      documentId: s.document_id,
      subjectId: owner.id,
      ip: owner.ip,
      details: { shareId },
    });
    return unsealText(this.masterKey, s.token_sealed, `share-token:${s.id}`);
  }

  /** Revokes a link: it stops working at the next request. Revoking twice is fine (audited once). */
  async revoke(owner: Actor & { id: string }, shareId: string): Promise<void> {
    const s = await this.ownedShare(owner, shareId);
    await this.db.kysely.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('shares')
        .set({ revoked_at: Date.now() })
        .where('id', '=', s.id)
        .where('owner_id', '=', owner.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return;
      await appendAudit(trx, {
        actorId: owner.id,
        actorRole: owner.role,
        action: 'share.revoked',
        outcome: 'success',
        documentId: s.document_id,
        subjectId: owner.id,
        ip: owner.ip,
        details: { shareId: s.id },
      });
    });
  }

  /**
   * Uses a share link once, enforcing every rule; the use is audited whatever the outcome, in the
   * transaction that decides it. A forged or mangled token is SHARE_TOKEN_INVALID before any lookup.
   */
  async use(token: string, actor: Actor, what: ShareUse): Promise<{ doc: DocumentRow; share: ShareRow }> {
    const check = checkShareToken(this.masterKey, token);
    if (!check.ok) throw new MedproofError('SHARE_TOKEN_INVALID', 'this share link is not valid');
    const now = Date.now();
    const outcome = await this.db.kysely.transaction().execute(async (trx) => {
      const share = await trx
        .selectFrom('shares')
        .selectAll()
        .where('token_hash', '=', tokenHash(token))
        .where('id', '=', check.shareId)
        .executeTakeFirst();
      const doc =
        share &&
        (await trx
          .selectFrom('documents')
          .selectAll()
          .where('id', '=', share.document_id)
          .where('status', '!=', 'erased')
          .executeTakeFirst());
      if (!share || !doc) return { error: new MedproofError('NOT_FOUND', 'this share link does not exist') };
      const record = (outcome: 'success' | 'denied', reason?: string) =>
        appendAudit(trx, {
          actorId: actor.id,
          actorRole: actor.role,
          action: 'share.used',
          outcome,
          documentId: doc.id,
          subjectId: doc.patient_id,
          ip: actor.ip,
          details: { shareId: share.id, what, ...(reason ? { reason } : {}) },
        });
      const refuse = async (reason: string, error: MedproofError) => {
        await record('denied', reason);
        return { error };
      };
      if (share.revoked_at !== null)
        return refuse('revoked', new MedproofError('NOT_FOUND', 'this share link does not exist'));
      if (share.expires_at <= now)
        return refuse('expired', new MedproofError('SHARE_EXPIRED', 'this share link has expired'));
      if (share.recipient_doctor_id !== null) {
        if (actor.id === null)
          return refuse(
            'sign-in-required',
            new MedproofError('AUTH_REQUIRED', 'this link is for a named doctor: sign in first'),
          );
        if (actor.id !== share.recipient_doctor_id)
          return refuse(
            'not-the-recipient',
            new MedproofError('NOT_FOUND', 'this share link does not exist'),
          );
      }
      if (share.max_views !== null && share.views >= share.max_views)
        return refuse(
          'used-up',
          new MedproofError('SHARE_USED_UP', 'this share link has been used as often as allowed'),
        );
      if (what === 'content' && !(await consume(trx, share.id, now)))
        // Lost the last view to a concurrent request between the read and the guarded update.
        return refuse(
          'used-up',
          new MedproofError('SHARE_USED_UP', 'this share link has been used as often as allowed'),
        );
      await record('success');
      // Opening the link (its page asks for the view first) tells the owner, once per visit.
      if (what === 'view')
        await enqueueNotification(trx, this.masterKey, {
          kind: 'share.used',
          userId: share.owner_id,
          channel: 'email',
          params: { documentId: doc.id },
        });
      return { doc, share: what === 'content' ? { ...share, views: share.views + 1 } : share };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome;
  }

  private async ownedDocument(owner: Actor & { id: string }, documentId: string) {
    const doc = await this.documents.open(owner, documentId, 'view');
    if (doc.access !== 'owner') throw new MedproofError('NOT_FOUND', 'no such document');
    return doc;
  }

  private async ownedShare(owner: Actor & { id: string }, shareId: string): Promise<ShareRow> {
    const s = await this.db.kysely
      .selectFrom('shares')
      .selectAll()
      .where('id', '=', shareId)
      .where('owner_id', '=', owner.id)
      .executeTakeFirst();
    if (!s) throw new MedproofError('NOT_FOUND', 'no such share');
    return s;
  }
}

/** One view, taken only while the share still grants one: the condition is re-checked under the row lock. */
async function consume(trx: Executor, shareId: string, now: number): Promise<boolean> {
  const row = await trx
    .updateTable('shares')
    .set((eb) => ({ views: eb('views', '+', 1) }))
    .where('id', '=', shareId)
    .where((eb) => activeShare(eb, now))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
