import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { IdProven, PatientCreated, ProveCodeBody, RegisterBody, withErrors } from '../../api/index.js';
import { checkDateOfBirth, parsePatientId } from '../../core/index.js';
import { badRequest } from '../http/HttpError.js';
import type { PortalDeps } from '../PortalDeps.js';
import { actorOf, userActorOf } from '../auth/actorOf.js';

/**
 * Patients register themselves and prove their id. Registration only claims the id: the answer is the
 * same whether or not anyone else claimed or proved it, and a code goes to the id itself (SMS to a
 * mobile number; the provider's message for Aadhaar/ABHA). Documents issued to the id reach the
 * account only once the code comes back (or a doctor confirms the patient in person).
 */
export function patientRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, patientIdProof } = deps.repos;
  app.post(
    '/api/patients',
    {
      schema: {
        tags: ['patients'],
        summary: 'Register as a patient (a code is sent to the patient id to prove it)',
        body: RegisterBody,
        response: withErrors({ 201: PatientCreated }),
      },
      config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const b = request.body;
      const id = parsePatientId(b.patientId, b.patientIdKind);
      if (!id.ok) throw badRequest(id.code, id.message, 'patientId');
      checkDateOfBirth(b.dateOfBirth);
      const created = await accounts.createAccount(
        {
          role: 'patient',
          email: b.email,
          name: b.name,
          password: b.password,
          patientId: id.value,
          dateOfBirth: b.dateOfBirth,
        },
        actorOf(request),
        'registration',
      );
      return reply.status(201).send({
        id: created.id,
        email: created.email,
        name: created.name,
        patientIdMasked: created.patientIdMasked!,
        patientIdKind: created.patientIdKind!,
        idProven: false,
      });
    },
  );

  app.post(
    '/api/me/patient-id/code',
    {
      schema: {
        tags: ['patients'],
        summary: 'Send a new code to your patient id (the old one stops working)',
        response: withErrors({ 204: Type.Null() }),
      },
      config: { roles: ['patient'], rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      await patientIdProof.sendCode(userActorOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/me/patient-id/verify',
    {
      schema: {
        tags: ['patients'],
        summary: 'Prove your patient id with the code sent to it; documents held for it become yours',
        body: ProveCodeBody,
        response: withErrors({ 200: IdProven }),
      },
      config: { roles: ['patient'], rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    // Guessing is bounded per code (5 tries); this limit only keeps one address from hammering the route.
    async (request) => {
      const { released } = await patientIdProof.proveByCode(userActorOf(request), request.body.code);
      return { idProven: true as const, released };
    },
  );
}
