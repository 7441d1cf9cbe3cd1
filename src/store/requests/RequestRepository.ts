import { randomUUID } from 'node:crypto';
import { MedproofError } from '../../core/index.js';
import type { Actor } from '../audit/Actor.js';
import { appendAudit } from '../audit/appendAudit.js';
import type { Db } from '../db/Db.js';
import { enqueueNotification } from '../notifications/enqueueNotification.js';

export interface RequestView {
  readonly id: string;
  readonly patientId: string;
  readonly patientName: string;
  readonly doctorId: string;
  readonly doctorName: string;
  readonly docType: string;
  readonly note: string;
  readonly status: 'open' | 'issued' | 'rejected';
  readonly reason: string | null;
  readonly documentId: string | null;
  readonly createdAt: number;
  /** Whether the patient has proven their id; if not, the doctor may confirm it in person. */
  readonly patientIdProven: boolean;
}

/**
 * Document requests: a patient asks a named, active doctor; each side sees its own; the doctor rejects
 * (guarded on `open`) or issues (closed by DocumentRepository.issue in the issuing transaction).
 */
export class RequestRepository {
  constructor(
    private readonly db: Db,
    private readonly masterKey: Uint8Array,
  ) {}

  async create(
    patient: Actor & { id: string },
    o: { doctorId: string; docType: string; note: string },
  ): Promise<RequestView> {
    const doctor = await this.db.kysely
      .selectFrom('doctors')
      .innerJoin('users', 'users.id', 'doctors.user_id')
      .select('users.id')
      .where('users.id', '=', o.doctorId)
      .where('users.status', '=', 'active')
      .executeTakeFirst();
    if (!doctor) throw new MedproofError('NOT_FOUND', 'no such doctor', { field: 'doctorId' });
    const id = randomUUID();
    const now = Date.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('doc_requests')
        .values({
          id,
          patient_id: patient.id,
          doctor_id: doctor.id,
          doc_type: o.docType,
          note: o.note,
          status: 'open',
          reason: null,
          document_id: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await appendAudit(trx, {
        actorId: patient.id,
        actorRole: patient.role,
        action: 'request.created',
        outcome: 'success',
        subjectId: patient.id,
        ip: patient.ip,
        details: { requestId: id },
      });
      await enqueueNotification(trx, this.masterKey, {
        kind: 'request.new',
        userId: doctor.id,
        channel: 'email',
        params: { requestId: id },
      });
    });
    return (await this.query({ id }))[0]!;
  }

  /** A patient's own requests, or those sent to a doctor. */
  list(actor: Actor & { id: string }): Promise<RequestView[]> {
    if (actor.role === 'patient') return this.query({ patientId: actor.id });
    if (actor.role === 'doctor') return this.query({ doctorId: actor.id });
    return Promise.resolve([]);
  }

  /** Rejects an open request sent to this doctor; REQUEST_CLOSED if it was issued or rejected meanwhile. */
  async reject(doctor: Actor & { id: string }, requestId: string, reason: string): Promise<RequestView> {
    await this.db.kysely.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('doc_requests')
        .set({ status: 'rejected', reason, updated_at: Date.now() })
        .where('id', '=', requestId)
        .where('doctor_id', '=', doctor.id)
        .where('status', '=', 'open')
        .returning('patient_id')
        .executeTakeFirst();
      if (!r) {
        const exists = await trx
          .selectFrom('doc_requests')
          .select('status')
          .where('id', '=', requestId)
          .where('doctor_id', '=', doctor.id)
          .executeTakeFirst();
        if (!exists) throw new MedproofError('NOT_FOUND', 'no such request');
        throw new MedproofError('REQUEST_CLOSED', `the request is ${exists.status} already`);
      }
      await appendAudit(trx, {
        actorId: doctor.id,
        actorRole: doctor.role,
        action: 'request.rejected',
        outcome: 'success',
        subjectId: r.patient_id,
        ip: doctor.ip,
        details: { requestId },
      });
    });
    return (await this.query({ id: requestId }))[0]!;
  }

  private async query(where: { patientId?: string; doctorId?: string; id?: string }): Promise<RequestView[]> {
    let q = this.db.kysely
      .selectFrom('doc_requests as r')
      .innerJoin('users as p', 'p.id', 'r.patient_id')
      .innerJoin('users as d', 'd.id', 'r.doctor_id')
      .leftJoin('patients as pt', 'pt.user_id', 'r.patient_id')
      .select([
        'pt.id_proven_at',
        'r.id',
        'r.patient_id',
        'p.name as patient_name',
        'r.doctor_id',
        'd.name as doctor_name',
        'r.doc_type',
        'r.note',
        'r.status',
        'r.reason',
        'r.document_id',
        'r.created_at',
      ])
      .orderBy('r.created_at', 'desc');
    if (where.patientId) q = q.where('r.patient_id', '=', where.patientId);
    if (where.doctorId) q = q.where('r.doctor_id', '=', where.doctorId);
    if (where.id) q = q.where('r.id', '=', where.id);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id,
      patientId: r.patient_id,
      patientName: r.patient_name,
      patientIdProven: r.id_proven_at !== null,
      doctorId: r.doctor_id,
      doctorName: r.doctor_name,
      docType: r.doc_type,
      note: r.note,
      status: r.status,
      reason: r.reason,
      documentId: r.document_id,
      createdAt: r.created_at,
    }));
  }
}
