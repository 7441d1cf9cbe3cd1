import { randomUUID } from 'node:crypto';
import { MedproofError } from '../../core/index.js';
import type { Db, Executor } from '../db/Db.js';

/** How long a key is remembered (the IETF draft leaves it to the server; a day covers any retrying client). */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** The answer a completed request got, replayed as it was. */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

/** What reserving a key found. */
export type Reservation =
  /** The key is this request's now: complete it in the issuing transaction, or release it. */
  | { readonly kind: 'reserved'; readonly claim: string }
  /** Another request with this key is running. */
  | { readonly kind: 'in_flight' }
  /** A request with this key completed: replay its answer if the fingerprints match. */
  | { readonly kind: 'done'; readonly fingerprint: string; readonly response: StoredResponse };

/** What the issuing transaction records with the document (see {@link completeIdempotencyKey}). */
export interface IdempotencyCompletion {
  readonly doctorId: string;
  readonly key: string;
  readonly claim: string;
  readonly fingerprint: string;
  readonly documentId: string;
  readonly response: StoredResponse;
}

/**
 * Idempotency keys of uploads, scoped to a doctor. A key is reserved by a guarded insert before the
 * upload is read, so a concurrent retry sees it in flight instead of issuing a second document; it is
 * completed in the transaction that issues the document, so a stored document and its remembered
 * answer commit together or not at all; a failed attempt releases it, so it can be retried.
 */
export class IdempotencyKeys {
  constructor(private readonly db: Db) {}

  /**
   * Reserves `key` for `doctorId`, or says who holds it. A reservation older than `staleAfterMs` is
   * taken over: its request cannot still be running (uploads time out), its process died.
   */
  async reserve(doctorId: string, key: string, staleAfterMs: number): Promise<Reservation> {
    const k = this.db.kysely;
    const now = Date.now();
    // Lazy expiry: every reservation sweeps the expired keys (indexed on expires_at).
    await k.deleteFrom('idempotency_keys').where('expires_at', '<=', now).execute();
    // A row can vanish between the insert and the read (its attempt failed): then try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const claim = randomUUID();
      const inserted = await k
        .insertInto('idempotency_keys')
        .values({
          doctor_id: doctorId,
          key,
          claim,
          status: 'in_flight',
          fingerprint: null,
          document_id: null,
          response_status: null,
          response_body: null,
          created_at: now,
          expires_at: now + IDEMPOTENCY_KEY_TTL_MS,
        })
        .onConflict((oc) => oc.columns(['doctor_id', 'key']).doNothing())
        .returning('claim')
        .executeTakeFirst();
      if (inserted) return { kind: 'reserved', claim };
      const row = await k
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('doctor_id', '=', doctorId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row) continue;
      if (row.status === 'done')
        return {
          kind: 'done',
          fingerprint: row.fingerprint ?? '',
          response: { status: Number(row.response_status), body: JSON.parse(row.response_body ?? 'null') },
        };
      if (Number(row.created_at) > now - staleAfterMs) return { kind: 'in_flight' };
      const taken = await k
        .updateTable('idempotency_keys')
        .set({ claim, created_at: now, expires_at: now + IDEMPOTENCY_KEY_TTL_MS })
        .where('doctor_id', '=', doctorId)
        .where('key', '=', key)
        .where('claim', '=', row.claim)
        .where('status', '=', 'in_flight')
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return { kind: 'reserved', claim };
    }
    return { kind: 'in_flight' };
  }

  /** Gives a reservation up after its attempt failed; a completed key is kept. */
  async release(doctorId: string, key: string, claim: string): Promise<void> {
    await this.db.kysely
      .deleteFrom('idempotency_keys')
      .where('doctor_id', '=', doctorId)
      .where('key', '=', key)
      .where('claim', '=', claim)
      .where('status', '=', 'in_flight')
      .execute();
  }
}

/**
 * Completes a reservation inside the issuing transaction. Guarded on the claim: if the reservation
 * was taken over meanwhile, the issue fails and rolls back rather than answer two requests with two documents.
 */
export async function completeIdempotencyKey(trx: Executor, c: IdempotencyCompletion): Promise<void> {
  const r = await trx
    .updateTable('idempotency_keys')
    .set({
      status: 'done',
      fingerprint: c.fingerprint,
      document_id: c.documentId,
      response_status: c.response.status,
      response_body: JSON.stringify(c.response.body),
    })
    .where('doctor_id', '=', c.doctorId)
    .where('key', '=', c.key)
    .where('claim', '=', c.claim)
    .where('status', '=', 'in_flight')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1)
    throw new MedproofError(
      'IDEMPOTENCY_KEY_IN_FLIGHT',
      'another request with this Idempotency-Key is being processed',
    );
}
