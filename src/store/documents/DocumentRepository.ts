import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ExpressionBuilder } from 'kysely';
import type { Address, Hex } from 'viem';
import { enqueueChainOp } from '../chainOps/chainOpsQueue.js';
import {
  MedproofError,
  computeLeaf,
  documentPatientRef,
  maskPatientId,
  patientRef,
  toHex,
  fromHex,
  parsePasskeyKey,
  toBase64url,
  type IssuerSignature,
  type LeafFields,
  type PatientId,
} from '../../core/index.js';
import { seal, sealText, unsealText } from '../crypto/keyWrap.js';
import { enqueueLeaves } from '../anchorQueue/anchorQueue.js';
import { storedIssuerProfile } from '../accounts/issuerProfileFor.js';
import { issueSignatureOf } from './issueSignatureOf.js';
import type { Actor } from '../audit/Actor.js';
import { appendAudit, type AuditEvent } from '../audit/appendAudit.js';
import type { AuditWriter } from '../audit/AuditWriter.js';
import type { Db, Executor } from '../db/Db.js';
import type { Database } from '../db/schema.js';
import { documentList, type DocumentListRow, type DocumentRow } from './documentRows.js';
import { completeIdempotencyKey, IdempotencyKeys, type StoredResponse } from './IdempotencyKeys.js';
import { HELD_ACCOUNT_ID } from '../accounts/heldAccount.js';
import { enqueueNotification } from '../notifications/enqueueNotification.js';

/** Revocation reason 1 (REVOCATION_REASONS): a newer document replaces this one; the patient hears "replaced". */
const SUPERSEDED = 1;

/**
 * WHO MAY SEE A DOCUMENT — decided here and nowhere else:
 * - a patient: their own documents;
 * - a doctor: those they issued, and those a patient shared with them by name through a share that is
 *   not revoked, not expired and not used up; downloading through such a share uses one of its views;
 * - an admin, an anonymous caller: none (share links are {@link ShareRepository}'s, and go through
 *   the same rules).
 * Anyone else's document answers NOT_FOUND, exactly like one that does not exist, and the attempt is
 * audited on the owner's log.
 *
 * A document issued to a patient id that no account has PROVEN (a one-time code to the id, or a doctor
 * in person) is HELD for the id: it belongs to the held account nobody signs in as, with the id's
 * HMAC in `held_ref`, and no patient sees it — not an account that merely claims the id (the squatter
 * who registered someone else's number). Proof moves it to the prover ({@link releaseHeldDocuments}).
 */
export type Purpose = 'view' | 'content' | 'receipt';

export type Access = 'owner' | 'issuer' | 'named-share';

/** The share conditions under which a share still grants anything: one definition for every path. */
export function activeShare(eb: ExpressionBuilder<Database, 'shares'>, now: number) {
  return eb.and([
    eb('shares.revoked_at', 'is', null),
    eb('shares.expires_at', '>', now),
    eb.or([eb('shares.max_views', 'is', null), eb('shares.views', '<', eb.ref('shares.max_views'))]),
  ]);
}

export interface VisibleDocument extends DocumentListRow {
  readonly access: Access;
}

export interface IssueInput {
  readonly doctorId: string;
  readonly requestId?: string;
  /** Who the document is for, when there is no request: an account id or a patient id number. */
  readonly patient?: { readonly accountId: string } | { readonly patientId: PatientId };
  readonly docType?: string;
  readonly title: string;
  /** Unix seconds; default now. Given when the file itself states its issue date (a rendered certificate). */
  readonly issuedAt?: number;
  readonly file: {
    readonly docHash: Hex;
    readonly size: number;
    readonly mime: string;
    readonly fileName: string;
    readonly blobKey: string;
  };
  /** Seals the file's data key for this document id (the key is bound to the id). */
  readonly wrapKey: (documentId: string) => string;
  readonly quota: { readonly documents: number; readonly bytes: number };
  /**
   * The verification stamp the file carries: its public id, the key of its page's envelope and the
   * public summary that page shows. Sealed under the master key and stored with the document.
   */
  readonly stamp?: {
    readonly stampId: string;
    readonly key: Uint8Array;
    readonly summary: unknown;
  };
  /** A reserved Idempotency-Key: completed with the answer in the issuing transaction. */
  readonly idempotency?: {
    readonly key: string;
    readonly claim: string;
    readonly fingerprint: string;
    readonly response: (issued: Issued) => StoredResponse;
  };
}

/** What issuing did: `held` when no account has proven the patient id yet (the patient is invited). */
export interface Issued {
  readonly id: string;
  readonly leaf: Hex;
  readonly docHash: Hex;
  readonly held: boolean;
  /** The doctor's profile lists passkeys: the leaf is anchored once one of them signs it (this challenge). */
  readonly signature?: { readonly challenge: string; readonly credentialIds: readonly string[] };
}

/**
 * Moves the documents held for a patient id (its HMAC) to the account that has just proven it, inside
 * the proving transaction, and tells the owner they are ready. Returns how many moved.
 */
export async function releaseHeldDocuments(
  trx: Executor,
  masterKey: Uint8Array,
  ownerId: string,
  ref: string,
): Promise<number> {
  const moved = await trx
    .updateTable('documents')
    .set({ patient_id: ownerId, held_ref: null })
    .where('patient_id', '=', HELD_ACCOUNT_ID)
    .where('held_ref', '=', ref)
    .returning('id')
    .execute();
  for (const { id } of moved)
    await enqueueNotification(trx, masterKey, {
      kind: 'document.ready',
      userId: ownerId,
      channel: 'email',
      params: { documentId: id },
    });
  return moved.length;
}

/**
 * Documents: reading them under the access rule above, issuing (document row, anchoring job, request
 * closed, audit row: one transaction), revoking (guarded, with its chain operation). Routes call these
 * and never query documents themselves.
 */
export class DocumentRepository {
  /** Upload idempotency keys: reserved before an upload is read, completed by {@link issue}. */
  readonly idempotencyKeys: IdempotencyKeys;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter,
    private readonly patientRefSecret: Uint8Array,
    private readonly masterKey: Uint8Array,
  ) {
    this.idempotencyKeys = new IdempotencyKeys(db);
  }

  /** The documents `actor` may see: a patient's own; a doctor's issued ones and those shared by name. */
  private visible(actor: Actor & { id: string }) {
    const now = Date.now();
    const q = documentList(this.db.kysely);
    if (actor.role === 'patient') return q.where('d.patient_id', '=', actor.id);
    if (actor.role === 'doctor') {
      return q.where((eb) =>
        eb.or([
          eb('d.issuer_id', '=', actor.id),
          eb.exists(
            eb
              .selectFrom('shares')
              .select('shares.id')
              .whereRef('shares.document_id', '=', 'd.id')
              .where('shares.recipient_doctor_id', '=', actor.id)
              .where((s) => activeShare(s, now)),
          ),
        ]),
      );
    }
    return undefined;
  }

  /** A patient's own documents; a doctor's issued ones and those shared with them (listing audited). */
  async list(actor: Actor & { id: string }): Promise<VisibleDocument[]> {
    const q = this.visible(actor);
    if (!q) return [];
    const rows = await q.execute();
    await this.audit.append({
      actorId: actor.id,
      actorRole: actor.role,
      action: 'document.listed',
      outcome: 'success',
      ...(actor.role === 'patient' ? { subjectId: actor.id } : {}),
      ip: actor.ip,
      details: { count: rows.length },
    });
    return rows.map((r) => ({ ...r, access: accessOf(actor, r) ?? 'named-share' }));
  }

  /**
   * A short mark that changes whenever the list `actor` would get changes: a document added, removed,
   * anchored, revoked or erased. Not audited, unlike the list: it says nothing about any document, so the
   * UI can ask for it every few seconds and reload (an audited listing) only when it moved.
   */
  async changeMark(actor: Actor & { id: string }): Promise<string> {
    const q = this.visible(actor);
    if (!q) return '0';
    const rows = await q.execute();
    const state = rows.map((r) =>
      [r.id, r.status, r.leaf_status, r.batch_status, r.block_number, r.confirmed_at].join(':'),
    );
    return createHash('sha256').update(state.join('|')).digest('hex').slice(0, 32);
  }

  /**
   * One document for `purpose`, or NOT_FOUND (audited as denied on the owner's log). A doctor reading
   * through a named share must hold an active one; `content` uses one of its views, atomically.
   */
  async open(actor: Actor & { id: string }, documentId: string, purpose: Purpose): Promise<VisibleDocument> {
    const doc = await documentList(this.db.kysely).where('d.id', '=', documentId).executeTakeFirst();
    const direct = doc ? accessOf(actor, doc) : undefined;
    if (doc && direct) return { ...doc, access: direct };
    if (doc && actor.role === 'doctor' && (await this.useNamedShare(actor, doc, purpose)))
      return { ...doc, access: 'named-share' };
    await this.deny(actor, doc, documentId, purpose);
    throw new MedproofError('NOT_FOUND', 'no such document');
  }

  /** Records a read that succeeded (view, receipt download), committed before the answer goes out. */
  async recordRead(actor: Actor, doc: DocumentListRow, action: AuditEvent['action'], details = {}) {
    await this.audit.append({
      actorId: actor.id,
      actorRole: actor.role,
      action,
      outcome: 'success',
      documentId: doc.id,
      subjectId: doc.patient_id,
      ip: actor.ip,
      details,
    });
  }

  /** The issuing doctor's name and registration, a share's recipient and the patient: what a link holder sees. */
  async namesOf(issuerId: string, recipientId: string | null, patientId?: string) {
    const issuer = await this.db.kysely
      .selectFrom('users')
      .leftJoin('doctors', 'doctors.user_id', 'users.id')
      .select(['users.name', 'doctors.registration_number'])
      .where('users.id', '=', issuerId)
      .executeTakeFirstOrThrow();
    const recipient = recipientId
      ? await this.db.kysely
          .selectFrom('users')
          .select('name')
          .where('id', '=', recipientId)
          .executeTakeFirst()
      : undefined;
    // The patient's name lets the doctor holding a share link match the document to the person.
    const patient = patientId
      ? await this.db.kysely.selectFrom('users').select('name').where('id', '=', patientId).executeTakeFirst()
      : undefined;
    return {
      issuer: issuer.name,
      registrationNumber: issuer.registration_number,
      recipient: recipient?.name ?? null,
      patient: patient?.name ?? null,
    };
  }

  /** Documents with this SHA-256 (a file can be issued twice), anchored ones first. */
  async findByHash(docHash: Hex): Promise<DocumentListRow[]> {
    const rows = await documentList(this.db.kysely).where('d.doc_hash', '=', docHash.toLowerCase()).execute();
    return rows.sort((a, b) => Number(b.leaf_status === 'anchored') - Number(a.leaf_status === 'anchored'));
  }

  /**
   * Who a new document is for: by an open request to this doctor, an account id, or a patient id. The
   * answer is an owner only when that account has PROVEN the id; otherwise the document is held for the
   * id (the account's claimed id, or the number the doctor typed). Typing a number never tells the
   * doctor whether, or by whom, it is claimed.
   */
  private async resolvePatient(
    trx: Executor,
    input: Pick<IssueInput, 'doctorId' | 'requestId' | 'patient' | 'docType'>,
  ): Promise<{ ownerId: string | undefined; ref: string; patientId: PatientId; docType: string }> {
    let accountId: string | undefined;
    let docType = input.docType;
    if (input.requestId !== undefined) {
      const r = await trx
        .selectFrom('doc_requests')
        .select(['patient_id', 'status', 'doc_type'])
        .where('id', '=', input.requestId)
        .where('doctor_id', '=', input.doctorId)
        .executeTakeFirst();
      if (!r) throw new MedproofError('NOT_FOUND', 'no such request');
      accountId = r.patient_id;
      docType ??= r.doc_type;
    } else {
      const who = input.patient;
      if (!who)
        throw new MedproofError('VALIDATION_FAILED', 'give requestId or patientId', { field: 'patientId' });
      if ('patientId' in who) {
        const ref = patientRef(this.patientRefSecret, who.patientId);
        const owner = await trx
          .selectFrom('patients')
          .select('user_id')
          .where('patient_ref', '=', ref)
          .executeTakeFirst();
        if (!docType) throw new MedproofError('BAD_DOC_TYPE', 'docType is missing', { field: 'docType' });
        return { ownerId: owner?.user_id, ref, patientId: who.patientId, docType };
      }
      accountId = who.accountId;
    }
    const p = await trx
      .selectFrom('patients')
      .select(['user_id', 'id_kind', 'id_sealed', 'claimed_ref', 'patient_ref', 'id_proven_at'])
      .where('user_id', '=', accountId)
      .executeTakeFirst();
    if (!p) throw new MedproofError('NOT_FOUND', 'no such patient', { field: 'patientId' });
    if (!docType) throw new MedproofError('BAD_DOC_TYPE', 'docType is missing', { field: 'docType' });
    const normalised = unsealText(this.masterKey, p.id_sealed, `patient-id:${p.user_id}`);
    const patientId: PatientId = {
      kind: p.id_kind as PatientId['kind'],
      value: normalised.slice(normalised.indexOf(':') + 1),
      normalised,
    };
    const ref = p.claimed_ref ?? p.patient_ref;
    return { ownerId: p.id_proven_at !== null ? p.user_id : undefined, ref, patientId, docType };
  }

  /**
   * Who a document about to be issued is for, as its stamp and a rendered certificate show them: the
   * patient's name and masked id, and the document type. Read before the file is made (the stamp is
   * part of the file); {@link issue} resolves the patient again in its transaction.
   */
  async describePatient(input: Pick<IssueInput, 'doctorId' | 'requestId' | 'patient' | 'docType'>) {
    const { ownerId, patientId, docType } = await this.resolvePatient(this.db.kysely, input);
    // A name only for an owner who proved the id: a document held for an unproven id names no one,
    // so neither the doctor nor the paper learns who claims it.
    const owner = ownerId
      ? await this.db.kysely.selectFrom('users').select('name').where('id', '=', ownerId).executeTakeFirst()
      : undefined;
    return { name: owner?.name ?? null, maskedId: maskPatientId(patientId), docType };
  }

  /**
   * Issues a document: one transaction holds the request's close (only if it is still open: two
   * concurrent issues against one request cannot both win), the quota check, the document row, its
   * anchoring job, its audit row and, with an idempotency key, the answer to replay. The blob must
   * already be in place; the caller removes it on failure.
   */
  async issue(actor: Actor & { id: string }, input: IssueInput): Promise<Issued> {
    const id = randomUUID();
    const now = Date.now();
    return this.db.kysely.transaction().execute(async (trx) => {
      const { ownerId, ref, patientId: patientIdValue, docType } = await this.resolvePatient(trx, input);
      const patientId = ownerId ?? HELD_ACCOUNT_ID;
      // The doctor's running totals (0017), checked and bumped in one guarded statement: the cost is
      // one row whatever the doctor's history, and two uploads racing for the last slot cannot both
      // win it (the row lock orders them).
      const counted = await trx
        .updateTable('doctors')
        .set((eb) => ({
          issued_documents: eb('issued_documents', '+', 1),
          issued_bytes: eb('issued_bytes', '+', input.file.size),
        }))
        .where('user_id', '=', input.doctorId)
        .where('issued_documents', '<', input.quota.documents)
        .where((eb) => eb(eb('issued_bytes', '+', input.file.size), '<=', input.quota.bytes))
        .executeTakeFirst();
      if (Number(counted.numUpdatedRows) !== 1)
        throw new MedproofError('QUOTA_EXCEEDED', 'your document quota is used up: ask an administrator');
      // Per document: HMAC(secret, id ‖ salt), so two receipts of one patient cannot be linked by
      // outsiders, while the institution (holding the secret and the sealed id) can still confirm one.
      const salt = toHex(randomBytes(32));
      const issuer = await trx
        .selectFrom('doctors')
        .select(['issuer_address', 'issuer_profile'])
        .where('user_id', '=', input.doctorId)
        .executeTakeFirstOrThrow();
      const signingKeys = (storedIssuerProfile(issuer.issuer_profile)?.passkeys ?? [])
        .map(parsePasskeyKey)
        .filter((k) => k !== undefined);
      const fields: LeafFields = {
        docHash: input.file.docHash,
        salt,
        patientRef: documentPatientRef(this.patientRefSecret, patientIdValue, salt),
        issuer: issuer.issuer_address as Hex,
        docType,
        issuedAt: input.issuedAt ?? Math.floor(now / 1000),
      };
      const leaf = computeLeaf(fields);
      if (input.requestId !== undefined) {
        const closed = await trx
          .updateTable('doc_requests')
          .set({ status: 'issued', document_id: id, updated_at: now })
          .where('id', '=', input.requestId)
          .where('doctor_id', '=', input.doctorId)
          .where('status', '=', 'open')
          .executeTakeFirst();
        if (Number(closed.numUpdatedRows) !== 1)
          throw new MedproofError('REQUEST_CLOSED', 'the request was issued or rejected already', {
            field: 'requestId',
          });
      }
      await trx
        .insertInto('documents')
        .values({
          id,
          patient_id: patientId,
          issuer_id: input.doctorId,
          request_id: input.requestId ?? null,
          doc_type: docType,
          title: input.title,
          file_name: input.file.fileName,
          mime_type: input.file.mime,
          size: input.file.size,
          doc_hash: fields.docHash,
          salt: fields.salt,
          patient_ref: fields.patientRef,
          issuer_address: fields.issuer,
          issued_at: fields.issuedAt,
          leaf,
          blob_key: input.file.blobKey,
          wrapped_key: input.wrapKey(id),
          status: 'active',
          revoked_at: null,
          revoke_reason: null,
          created_at: now,
          held_ref: ownerId ? null : ref,
        })
        .execute();
      if (input.stamp)
        await trx
          .insertInto('document_stamps')
          .values({
            document_id: id,
            stamp_id: input.stamp.stampId,
            key_sealed: seal(this.masterKey, input.stamp.key, `stamp-key:${id}`),
            summary_sealed: sealText(
              this.masterKey,
              JSON.stringify(input.stamp.summary),
              `stamp-summary:${id}`,
            ),
            created_at: now,
          })
          .execute();
      // A doctor with passkeys signs the leaf first (issue 9): until then it stays out of the queue, so
      // the anchorer alone never puts a leaf naming them on chain. Without passkeys it goes now.
      const challenge = toBase64url(fromHex(leaf, 32)!);
      if (signingKeys.length > 0)
        await trx
          .insertInto('document_signatures')
          .values({
            document_id: id,
            purpose: 'issue',
            challenge,
            credential_id: null,
            assertion: null,
            created_at: now,
            signed_at: null,
          })
          .execute();
      else await enqueueLeaves(trx, [leaf], now);
      // The owner hears it is ready; a held document's id is invited to prove itself (by SMS to a
      // mobile number, the provider's message for Aadhaar/ABHA). Neither message names the document.
      await enqueueNotification(
        trx,
        this.masterKey,
        ownerId
          ? { kind: 'document.ready', userId: ownerId, channel: 'email', params: { documentId: id } }
          : { kind: 'patient-id.invite', channel: 'sms', to: patientIdValue.normalised },
        now,
      );
      await appendAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'document.issued',
        outcome: 'success',
        documentId: id,
        subjectId: ownerId ?? null,
        ip: actor.ip,
        details: {
          docType,
          size: input.file.size,
          stamped: input.stamp !== undefined,
          ...(ownerId ? {} : { held: true, invited: true }),
        },
      });
      const issued: Issued = {
        id,
        leaf,
        docHash: fields.docHash,
        held: ownerId === undefined,
        ...(signingKeys.length > 0
          ? { signature: { challenge, credentialIds: signingKeys.map((k) => k.credentialId) } }
          : {}),
      };
      if (input.idempotency) {
        const { key, claim, fingerprint, response } = input.idempotency;
        await completeIdempotencyKey(trx, {
          doctorId: input.doctorId,
          key,
          claim,
          fingerprint,
          documentId: id,
          response: response(issued),
        });
      }
      return issued;
    });
  }

  /** The challenge a document waits to be signed over (`issue`: its leaf), or undefined when none is awaited. */
  async awaitedSignature(documentId: string, purpose: 'issue' | 'revoke' = 'issue') {
    const row = await this.db.kysely
      .selectFrom('document_signatures')
      .select(['challenge'])
      .where('document_id', '=', documentId)
      .where('purpose', '=', purpose)
      .where('assertion', 'is', null)
      .executeTakeFirst();
    return row?.challenge;
  }

  /** The doctor's stored assertion over a document's leaf, for its receipt; undefined when unsigned. */
  async issueSignatureOf(documentId: string): Promise<IssuerSignature | undefined> {
    return issueSignatureOf(this.db.kysely, documentId);
  }

  /**
   * Stores the doctor's (already verified) passkey assertion over the leaf and queues the leaf for
   * anchoring, guarded on the signature still being awaited: two concurrent signatures queue it once.
   */
  async recordIssueSignature(
    actor: Actor & { id: string },
    documentId: string,
    assertion: IssuerSignature,
  ): Promise<void> {
    const now = Date.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      const doc = await trx
        .selectFrom('documents')
        .select(['leaf', 'issuer_id', 'patient_id'])
        .where('id', '=', documentId)
        .executeTakeFirst();
      if (!doc || doc.issuer_id !== actor.id)
        throw new MedproofError('NOT_ISSUER', 'only the issuing doctor signs a document');
      const r = await trx
        .updateTable('document_signatures')
        .set({ assertion: JSON.stringify(assertion), credential_id: assertion.credentialId, signed_at: now })
        .where('document_id', '=', documentId)
        .where('purpose', '=', 'issue')
        .where('assertion', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1)
        throw new MedproofError('SIGNATURE_NOT_AWAITED', 'the document is not waiting for a signature');
      await enqueueLeaves(trx, [doc.leaf as Hex], now);
      await appendAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'document.signed',
        outcome: 'success',
        documentId,
        subjectId: doc.patient_id,
        ip: actor.ip,
        details: { credentialId: assertion.credentialId },
      });
    });
  }

  /**
   * Revokes a document its caller issued: guarded on the active status, with its chain operation and
   * audit row. `superseded` (reason 1) names the replacing document (`supersededBy`, a document id): one
   * the same doctor issued to the same patient; the chain records its leaf, and verifiers say so.
   */
  async revoke(
    actor: Actor & { id: string },
    documentId: string,
    reason: number,
    supersededBy?: string,
    /** The doctor's passkey assertion over the revocation (required of doctors with passkeys, by the route). */
    signature?: IssuerSignature & { readonly challenge: string },
  ): Promise<VisibleDocument> {
    const doc = await this.open(actor, documentId, 'view');
    if (doc.access !== 'issuer')
      throw new MedproofError('NOT_ISSUER', 'only the issuing doctor can revoke a document');
    const successor = await this.successorLeaf(actor, doc, reason, supersededBy);
    await this.db.kysely.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('documents')
        .set({ status: 'revoked', revoked_at: Date.now(), revoke_reason: reason })
        .where('id', '=', doc.id)
        .where('issuer_id', '=', actor.id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1)
        throw new MedproofError('ALREADY_REVOKED', 'the document is revoked already');
      if (signature) {
        const { challenge, ...assertion } = signature;
        const now = Date.now();
        await trx
          .insertInto('document_signatures')
          .values({
            document_id: doc.id,
            purpose: 'revoke',
            challenge,
            credential_id: assertion.credentialId,
            assertion: JSON.stringify(assertion),
            created_at: now,
            signed_at: now,
          })
          .execute();
      }
      await enqueueChainOp(trx, {
        kind: 'revoke_leaf',
        leaf: doc.leaf as Hex,
        reason,
        ...(successor ? { supersededBy: successor } : {}),
        // Registry v2 recomputes the leaf from its fields and checks its proof.
        fields: {
          docHash: doc.doc_hash as Hex,
          salt: doc.salt as Hex,
          patientRef: doc.patient_ref as Hex,
          issuer: doc.issuer_address as Address,
          docType: doc.doc_type,
          issuedAt: doc.issued_at,
        },
      });
      if (doc.patient_id !== HELD_ACCOUNT_ID)
        await enqueueNotification(trx, this.masterKey, {
          kind: reason === SUPERSEDED ? 'document.superseded' : 'document.revoked',
          userId: doc.patient_id,
          channel: 'email',
          params: { documentId: doc.id },
        });
      await appendAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'document.revoked',
        outcome: 'success',
        documentId: doc.id,
        subjectId: doc.patient_id,
        ip: actor.ip,
        details: { reason, ...(signature ? { signedWith: signature.credentialId } : {}) },
      });
    });
    return this.open(actor, documentId, 'view');
  }

  /** The replacing document's leaf for a `superseded` revocation; undefined for other reasons. */
  private async successorLeaf(
    actor: Actor & { id: string },
    doc: DocumentRow,
    reason: number,
    supersededBy: string | undefined,
  ): Promise<Hex | undefined> {
    if (reason !== SUPERSEDED) {
      if (supersededBy !== undefined)
        throw new MedproofError('VALIDATION_FAILED', 'only a superseded document names a replacement', {
          field: 'supersededBy',
        });
      return undefined;
    }
    if (supersededBy === undefined)
      throw new MedproofError('VALIDATION_FAILED', 'superseded: name the document that replaces it', {
        field: 'supersededBy',
      });
    const next = await this.db.kysely
      .selectFrom('documents')
      .select(['leaf', 'patient_id', 'issuer_id'])
      .where('id', '=', supersededBy)
      .executeTakeFirst();
    // Another doctor's or another patient's document is no successor (and not confirmed to exist).
    if (!next || next.issuer_id !== actor.id || next.patient_id !== doc.patient_id || supersededBy === doc.id)
      throw new MedproofError(
        'VALIDATION_FAILED',
        'the replacing document must be another of yours for this patient',
        {
          field: 'supersededBy',
        },
      );
    return next.leaf as Hex;
  }

  /**
   * A doctor reading through a named share. `content` takes one view of an active share in one guarded
   * statement (the row is re-checked under its lock, so concurrent downloads cannot exceed the limit)
   * and audits the use in the same transaction; the other purposes only need an active share.
   */
  private async useNamedShare(actor: Actor & { id: string }, doc: DocumentListRow, purpose: Purpose) {
    const now = Date.now();
    const candidates = await this.db.kysely
      .selectFrom('shares')
      .select('shares.id')
      .where('shares.document_id', '=', doc.id)
      .where('shares.recipient_doctor_id', '=', actor.id)
      .where((eb) => activeShare(eb, now))
      .orderBy('shares.expires_at')
      .execute();
    if (purpose !== 'content') return candidates.length > 0;
    for (const { id } of candidates) {
      const used = await this.db.kysely.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('shares')
          .set((eb) => ({ views: eb('views', '+', 1) }))
          .where('id', '=', id)
          .where((eb) => activeShare(eb, now))
          .returning('id')
          .executeTakeFirst();
        if (!row) return false;
        await appendAudit(trx, {
          actorId: actor.id,
          actorRole: actor.role,
          action: 'share.used',
          outcome: 'success',
          documentId: doc.id,
          subjectId: doc.patient_id,
          ip: actor.ip,
          details: { shareId: id, what: 'content', via: 'documents' },
        });
        await enqueueNotification(trx, this.masterKey, {
          kind: 'share.used',
          userId: doc.patient_id,
          channel: 'email',
          params: { documentId: doc.id },
        });
        return true;
      });
      if (used) return true;
    }
    return false;
  }

  private async deny(actor: Actor, doc: DocumentListRow | undefined, documentId: string, purpose: Purpose) {
    await this.audit.append({
      actorId: actor.id,
      actorRole: actor.role,
      action: 'document.access-denied',
      outcome: 'denied',
      documentId: doc ? doc.id : null,
      subjectId: doc?.patient_id ?? null,
      ip: actor.ip,
      details: { purpose, ...(doc ? {} : { requested: documentId }) },
    });
  }
}

/** Direct access (no share involved): the patient's own, or the issuing doctor's. */
function accessOf(actor: Actor & { id: string }, doc: DocumentListRow): Access | undefined {
  if (actor.role === 'patient' && doc.patient_id === actor.id) return 'owner';
  if (actor.role === 'doctor' && doc.issuer_id === actor.id) return 'issuer';
  return undefined;
}
