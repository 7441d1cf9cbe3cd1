import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { AuditAction } from '../../core/index.js';
import type { Executor } from '../db/Db.js';
import type { AuditLogTable } from '../db/schema.js';

export type AuditRow = Selectable<AuditLogTable>;
export type ActorRole = 'admin' | 'doctor' | 'patient' | 'anonymous' | 'system';

/** Who did what to whose data, from where, with what outcome. Never file bytes, tokens or patient ids. */
export interface AuditEvent {
  readonly actorId: string | null;
  readonly actorRole: ActorRole;
  readonly action: AuditAction;
  readonly outcome: 'success' | 'denied' | 'failure';
  readonly documentId?: string | null;
  /** The patient whose data this is: their access log shows it. */
  readonly subjectId?: string | null;
  readonly ip?: string | null;
  readonly details?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The row's hash: SHA-256 over the previous hash and every field, in a fixed order. */
export function auditHash(prevHash: string, r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  const canonical = JSON.stringify([
    prevHash,
    r.seq,
    r.at,
    r.actor_id,
    r.actor_role,
    r.action,
    r.outcome,
    r.document_id,
    r.subject_id,
    r.ip,
    r.details,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Appends one event to the hash chain. Call it inside the transaction that makes the change it records,
 * so the two commit together. The head row is bumped first: that takes its lock (PostgreSQL) and
 * serialises appenders, so the chain never forks. There is no update or delete path for audit rows.
 */
export async function appendAudit(trx: Executor, e: AuditEvent, now = Date.now()): Promise<number> {
  const head = await trx
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const row = {
    seq: Number(head.seq),
    at: now,
    actor_id: e.actorId,
    actor_role: e.actorRole,
    action: e.action,
    outcome: e.outcome,
    document_id: e.documentId ?? null,
    subject_id: e.subjectId ?? null,
    ip: e.ip ?? null,
    details: JSON.stringify(e.details ?? {}),
  };
  const hash = auditHash(head.hash, row);
  await trx
    .insertInto('audit_log')
    .values({ ...row, prev_hash: head.hash, hash })
    .execute();
  await trx.updateTable('audit_head').set({ hash }).where('id', '=', 1).execute();
  return row.seq;
}
