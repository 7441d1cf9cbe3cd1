import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CreateRequest, IdParams, IdProven, RejectBody, RequestSchema, withErrors } from '../../api/index.js';
import { parseDocType } from '../../core/index.js';
import { userActorOf } from '../auth/actorOf.js';
import { badRequest } from '../http/HttpError.js';
import type { PortalDeps } from '../PortalDeps.js';

/** Patients ask a named doctor for a document; each side sees its own requests; the doctor rejects or issues. */
export function requestRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { requests } = deps.repos;

  app.post(
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
      const docType = parseDocType(request.body.docType);
      if (!docType.ok) throw badRequest(docType.code, docType.message, 'docType');
      const created = await requests.create(userActorOf(request), {
        doctorId: request.body.doctorId,
        docType: docType.value,
        note: request.body.note ?? '',
      });
      return reply.status(201).send(created);
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
    (request) => requests.list(userActorOf(request)),
  );

  app.post(
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
    (request) => requests.reject(userActorOf(request), request.params.id, request.body.reason),
  );

  app.post(
    '/api/requests/:id/confirm-identity',
    {
      schema: {
        tags: ['requests'],
        summary:
          "Confirm in person the identity of the patient behind a request sent to you: proves their patient id (doctor; audited as 'in-person')",
        params: IdParams,
        response: withErrors({ 200: IdProven }),
      },
      config: { roles: ['doctor'] },
    },
    async (request) => {
      const { released } = await deps.repos.patientIdProof.proveInPerson(
        userActorOf(request),
        request.params.id,
      );
      return { idProven: true as const, released };
    },
  );
}
