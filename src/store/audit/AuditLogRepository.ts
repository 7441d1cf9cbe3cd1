import type { Actor } from './Actor.js';
import type { Db } from '../db/Db.js';
import { verifyAuditChain, type AuditChainReport } from './verifyAuditChain.js';

export interface AuditEntry {
  readonly seq: number;
  readonly at: number;
  readonly action: string;
  readonly outcome: string;
  readonly actor: { readonly id: string | null; readonly name: string | null; readonly role: string };
  readonly document: { readonly id: string; readonly title: string | null } | null;
  readonly ip: string | null;
  readonly details: Record<string, unknown>;
}

/**
 * Reading the access log. A patient sees every event on their data (who, what, when, from where,
 * outcome), including anonymous share uses and verifications; a doctor sees their own actions; an
 * admin sees all.
 */
export class AuditLogRepository {
  constructor(private readonly db: Db) {}

  async events(actor: Actor & { id: string }, o: { limit: number; before?: number }): Promise<AuditEntry[]> {
    let q = this.db.kysely
      .selectFrom('audit_log as a')
      .leftJoin('users as u', 'u.id', 'a.actor_id')
      .leftJoin('documents as d', 'd.id', 'a.document_id')
      .select([
        'a.seq',
        'a.at',
        'a.action',
        'a.outcome',
        'a.actor_id',
        'a.actor_role',
        'u.name as actor_name',
        'a.document_id',
        'd.title',
        'a.ip',
        'a.details',
      ])
      .orderBy('a.seq', 'desc')
      .limit(Math.min(o.limit, 500));
    if (o.before !== undefined) q = q.where('a.seq', '<', o.before);
    // A patient's log: events about them, and every event on a document now theirs (one held for their
    // id before they proved it was issued with no subject).
    if (actor.role === 'patient')
      q = q.where((eb) =>
        eb.or([
          eb('a.subject_id', '=', actor.id),
          eb(
            'a.document_id',
            'in',
            eb.selectFrom('documents').select('id').where('patient_id', '=', actor.id),
          ),
        ]),
      );
    else if (actor.role === 'doctor') q = q.where('a.actor_id', '=', actor.id);
    else if (actor.role !== 'admin') return [];
    const rows = await q.execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: r.at,
      action: r.action,
      outcome: r.outcome,
      actor: { id: r.actor_id, name: r.actor_name, role: r.actor_role },
      document: r.document_id ? { id: r.document_id, title: r.title } : null,
      ip: r.ip,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  }

  verifyChain(): Promise<AuditChainReport> {
    return verifyAuditChain(this.db.kysely);
  }
}
