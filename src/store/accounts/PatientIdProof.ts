import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { MedproofError } from '../../core/index.js';
import type { Actor } from '../audit/Actor.js';
import { appendAudit } from '../audit/appendAudit.js';
import { unsealText } from '../crypto/keyWrap.js';
import type { Db, Executor } from '../db/Db.js';
import { isUniqueViolation } from '../db/isUniqueViolation.js';
import { releaseHeldDocuments } from '../documents/DocumentRepository.js';
import { enqueueNotification } from '../notifications/enqueueNotification.js';
import { reserveAttempt } from './loginThrottle.js';

/** A code lives 10 minutes and allows 5 guesses: a guesser's odds are 5 in a million per code. */
const CODE_TTL_MS = 10 * 60_000;
const CODE_MAX_ATTEMPTS = 5;
/** New codes per account: 5 in an hour (each is an SMS someone pays for and someone receives). */
const SEND_RULE = { max: 5, windowMs: 60 * 60_000 } as const;

export type ProofVia = 'code' | 'in-person';

interface Secrets {
  readonly masterKey: Uint8Array;
  readonly patientRefSecret: Uint8Array;
}

const codeHash = (secret: Uint8Array, codeId: string, code: string) =>
  createHmac('sha256', secret).update(`${codeId}:${code}`).digest('hex');

/**
 * Starts a proof inside the caller's transaction (registration, a new code): any earlier code of the
 * account dies, a new 6-digit code is stored only as an HMAC, and the message to the id itself (an
 * SMS to a mobile number; for Aadhaar/ABHA, the provider's OTP to the number linked to it) goes in the
 * outbox. The normalised id is sealed in the outbox row, never written in clear.
 */
export async function startPatientIdProof(
  trx: Executor,
  secrets: Secrets,
  userId: string,
  normalisedId: string,
  now = Date.now(),
): Promise<void> {
  await trx
    .updateTable('one_time_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('purpose', '=', 'patient-id')
    .where('used_at', 'is', null)
    .execute();
  const id = randomUUID();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await trx
    .insertInto('one_time_codes')
    .values({
      id,
      user_id: userId,
      purpose: 'patient-id',
      code_hash: codeHash(secrets.patientRefSecret, id, code),
      attempts: 0,
      expires_at: now + CODE_TTL_MS,
      used_at: null,
      created_at: now,
    })
    .execute();
  await enqueueNotification(
    trx,
    secrets.masterKey,
    { kind: 'patient-id.code', userId, channel: 'sms', to: normalisedId, params: { code } },
    now,
  );
}

/**
 * Proving that an account's patient id is its holder's: by the one-time code sent to the id, or by a
 * doctor who checked the patient's identity in person at their request. Proof makes the account the
 * id's one owner (the unique patient_ref) and releases the documents held for the id, in one
 * transaction with its audit row, which says which way it was proven.
 */
export class PatientIdProof {
  constructor(
    private readonly db: Db,
    private readonly secrets: Secrets,
  ) {}

  /** A new code for a signed-in patient whose id is not proven yet (throttled per account). */
  async sendCode(actor: Actor & { id: string }): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      const p = await this.claimOf(trx, actor.id);
      if (p.id_proven_at !== null) return; // proven already: nothing to send
      const r = await reserveAttempt(trx, this.db.dialect, [{ key: `otp-send:${actor.id}`, ...SEND_RULE }]);
      if (!r.allowed)
        throw new MedproofError('LOGIN_THROTTLED', 'too many codes asked for: try again later', {
          retryAfterSeconds: Math.max(1, Math.ceil(r.retryAfterMs / 1000)),
        });
      await startPatientIdProof(trx, this.secrets, actor.id, this.normalisedId(actor.id, p.id_sealed));
      await appendAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'identity.code-sent',
        outcome: 'success',
        subjectId: actor.id,
        ip: actor.ip,
      });
    });
  }

  /**
   * Checks a code: each guess counts against the code first (a guarded update), so concurrent guesses
   * cannot exceed its attempts. Wrong, expired or used up answer the same CODE_INVALID.
   */
  async proveByCode(actor: Actor & { id: string }, code: string): Promise<{ released: number }> {
    const now = Date.now();
    const row = await this.db.kysely
      .selectFrom('one_time_codes')
      .selectAll()
      .where('user_id', '=', actor.id)
      .where('purpose', '=', 'patient-id')
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    const counted =
      row &&
      (await this.db.kysely
        .updateTable('one_time_codes')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', row.id)
        .where('used_at', 'is', null)
        .where('attempts', '<', CODE_MAX_ATTEMPTS)
        .executeTakeFirst());
    const expected = row ? Buffer.from(row.code_hash, 'hex') : Buffer.alloc(32);
    const given = Buffer.from(codeHash(this.secrets.patientRefSecret, row?.id ?? 'none', code.trim()), 'hex');
    const match =
      timingSafeEqual(expected, given) && row !== undefined && Number(counted?.numUpdatedRows) === 1;
    if (!match) {
      await this.db.kysely.transaction().execute((trx) =>
        appendAudit(trx, {
          actorId: actor.id,
          actorRole: actor.role,
          action: 'identity.proof-failed',
          outcome: 'failure',
          subjectId: actor.id,
          ip: actor.ip,
          details: { via: 'code' },
        }),
      );
      throw new MedproofError('CODE_INVALID', 'the code is wrong, expired or used up: ask for a new one', {
        field: 'code',
      });
    }
    return this.db.kysely.transaction().execute(async (trx) => {
      const used = await trx
        .updateTable('one_time_codes')
        .set({ used_at: now })
        .where('id', '=', row.id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1)
        throw new MedproofError('CODE_INVALID', 'the code is wrong, expired or used up: ask for a new one', {
          field: 'code',
        });
      return this.prove(trx, actor.id, 'code', actor, {});
    });
  }

  /**
   * A doctor confirms in person the identity of the patient behind a request sent to them. Proven
   * already: nothing changes. NOT_FOUND for a request that is not theirs.
   */
  async proveInPerson(doctor: Actor & { id: string }, requestId: string): Promise<{ released: number }> {
    return this.db.kysely.transaction().execute(async (trx) => {
      const req = await trx
        .selectFrom('doc_requests')
        .select(['patient_id', 'status'])
        .where('id', '=', requestId)
        .where('doctor_id', '=', doctor.id)
        .executeTakeFirst();
      if (!req) throw new MedproofError('NOT_FOUND', 'no such request');
      const p = await this.claimOf(trx, req.patient_id);
      if (p.id_proven_at !== null) return { released: 0 };
      return this.prove(trx, req.patient_id, 'in-person', doctor, { requestId });
    });
  }

  private async prove(
    trx: Executor,
    userId: string,
    via: ProofVia,
    by: Actor,
    details: Record<string, unknown>,
  ): Promise<{ released: number }> {
    const p = await this.claimOf(trx, userId);
    if (p.id_proven_at !== null) return { released: 0 };
    const now = Date.now();
    try {
      // The unique patient_ref makes proof exclusive: one owner per id, whoever proves first.
      await trx
        .updateTable('patients')
        .set({ patient_ref: p.claimed_ref, id_proven_at: now, id_proven_via: via })
        .where('user_id', '=', userId)
        .where('id_proven_at', 'is', null)
        .execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new MedproofError(
          'PATIENT_ID_TAKEN',
          'another account has proven this patient id: ask the hospital to look into it',
        );
      throw error;
    }
    const released = await releaseHeldDocuments(trx, this.secrets.masterKey, userId, p.claimed_ref);
    await appendAudit(trx, {
      actorId: by.id,
      actorRole: by.role,
      action: 'identity.proven',
      outcome: 'success',
      subjectId: userId,
      ip: by.ip,
      details: { via, released, ...details },
    });
    return { released };
  }

  private async claimOf(trx: Executor, userId: string) {
    const p = await trx
      .selectFrom('patients')
      .select(['claimed_ref', 'id_proven_at', 'id_sealed'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!p || p.claimed_ref === null) throw new MedproofError('NOT_FOUND', 'no such patient');
    return { ...p, claimed_ref: p.claimed_ref };
  }

  private normalisedId(userId: string, sealed: string): string {
    return unsealText(this.secrets.masterKey, sealed, `patient-id:${userId}`);
  }
}
