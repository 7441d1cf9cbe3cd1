import { Type, type Static } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { parseDocType } from '../../core/leaf/docType.js';
import { appendAudit } from '../../store/audit/appendAudit.js';
import { clientIp } from '../auth/authPlugin.js';
import { badRequest, notFound } from '../http/HttpError.js';
import { IdParams, Uuid, withErrors } from '../http/schemas.js';
import type { PortalDeps } from '../PortalDeps.js';

const CreateRequest = Type.Object(
  {
    doctorId: Uuid,
    docType: Type.String({ minLength: 1, maxLength: 64 }),
    note: Type.String({ maxLength: 2000, default: '' }),
  },
  { additionalProperties: false },
);
const RejectBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);
export const RequestSchema = Type.Object({
  id: Type.String(),
  patientId: Type.String(),
  patientName: Type.String(),
  doctorId: Type.String(),
  doctorName: Type.String(),
  docType: Type.String(),
  note: Type.String(),
  status: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  documentId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Number(),
});

/** Patients ask a named doctor for a document; each side sees its own requests; the doctor rejects or issues. */
export function requestRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const db = deps.db.kysely;

  const list = (where: { patientId?: string; doctorId?: string; id?: string }) => {
    let q = db
      .selectFrom('doc_requests as r')
      .innerJoin('users as p', 'p.id', 'r.patient_id')
      .innerJoin('users as d', 'd.id', 'r.doctor_id')
      .select([
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
    return q.execute().then((rows) =>
      rows.map((r) => ({
        id: r.id,
        patientId: r.patient_id,
        patientName: r.patient_name,
        doctorId: r.doctor_id,
        doctorName: r.doctor_name,
        docType: r.doc_type,
        note: r.note,
        status: r.status,
        reason: r.reason,
        documentId: r.document_id,
        createdAt: r.created_at,
      })),
    );
  };

  app.post<{ Body: Static<typeof CreateRequest> }>(
    '/api/requests',
    {
      schema: {
        tags: ['requests'],
        summary: 'Ask a doctor for a document (patient)',
        body: CreateRequest,
        response: withErrors({ 201: RequestSchema }),
      },
      config: { roles: ['patient'] },
    },
    async (request, reply) => {
      const me = request.auth!.user;
      const docType = parseDocType(request.body.docType);
      if (!docType.ok) throw badRequest(docType.code, docType.message, 'docType');
      const doctor = await db
        .selectFrom('doctors')
        .innerJoin('users', 'users.id', 'doctors.user_id')
        .select('users.id')
        .where('users.id', '=', request.body.doctorId)
        .where('users.status', '=', 'active')
        .executeTakeFirst();
      if (!doctor) throw notFound('no such doctor');
      const id = randomUUID();
      const now = Date.now();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('doc_requests')
          .values({
            id,
            patient_id: me.id,
            doctor_id: doctor.id,
            doc_type: docType.value,
            note: request.body.note ?? '',
            status: 'open',
            reason: null,
            document_id: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
        await appendAudit(trx, {
          actorId: me.id,
          actorRole: 'patient',
          action: 'request.created',
          outcome: 'success',
          subjectId: me.id,
          ip: clientIp(request),
          details: { requestId: id },
        });
      });
      return reply.status(201).send((await list({ id }))[0]);
    },
  );

  app.get(
    '/api/requests',
    {
      schema: {
        tags: ['requests'],
        summary: 'Your requests: a patient’s own, or those sent to a doctor',
        response: withErrors({ 200: Type.Array(RequestSchema) }),
      },
      config: { roles: ['patient', 'doctor'] },
    },
    async (request) => {
      const me = request.auth!.user;
      return list(me.role === 'patient' ? { patientId: me.id } : { doctorId: me.id });
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RejectBody> }>(
    '/api/requests/:id/reject',
    {
      schema: {
        tags: ['requests'],
        summary: 'Reject a request sent to you, with a reason (doctor)',
        params: IdParams,
        body: RejectBody,
        response: withErrors({ 200: RequestSchema }),
      },
      config: { roles: ['doctor'] },
    },
    async (request) => {
      const me = request.auth!.user;
      await db.transaction().execute(async (trx) => {
        const r = await trx
          .selectFrom('doc_requests')
          .select(['patient_id', 'status'])
          .where('id', '=', request.params.id)
          .where('doctor_id', '=', me.id)
          .executeTakeFirst();
        if (!r) throw notFound('no such request');
        if (r.status !== 'open') throw badRequest('REQUEST_CLOSED', `the request is ${r.status} already`);
        await trx
          .updateTable('doc_requests')
          .set({ status: 'rejected', reason: request.body.reason, updated_at: Date.now() })
          .where('id', '=', request.params.id)
          .execute();
        await appendAudit(trx, {
          actorId: me.id,
          actorRole: 'doctor',
          action: 'request.rejected',
          outcome: 'success',
          subjectId: r.patient_id,
          ip: clientIp(request),
          details: { requestId: request.params.id },
        });
      });
      return (await list({ id: request.params.id }))[0];
    },
  );
}
