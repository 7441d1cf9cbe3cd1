import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { getAddress } from 'viem';
import {
  CreateDoctor,
  Doctor,
  DoctorCreated,
  IdParams,
  MarkCompromised,
  RenewProfile,
  withErrors,
} from '../../api/index.js';
import { userActorOf } from '../auth/actorOf.js';
import type { PortalDeps } from '../PortalDeps.js';

/**
 * Doctors are created by an admin. Each gets an issuer address (their own, or a fresh one whose key is
 * never kept: the portal anchors for them) and ISSUER_ROLE on chain through the chain-operations outbox.
 */
export function doctorRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts } = deps.repos;

  app.get(
    '/api/doctors',
    {
      schema: {
        tags: ['doctors'],
        summary: 'Active doctors (for choosing whom to ask for a document)',
        response: withErrors({ 200: Type.Array(Doctor) }),
      },
    },
    () => accounts.activeDoctors(),
  );

  app.post(
    '/api/doctors',
    {
      schema: {
        tags: ['doctors'],
        summary: 'Create a doctor account (admin)',
        body: CreateDoctor,
        response: withErrors({ 201: DoctorCreated }),
      },
      config: { roles: ['admin'] },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await accounts.createAccount(
        {
          role: 'doctor',
          email: b.email,
          name: b.name,
          password: b.password,
          registrationNumber: b.registrationNumber,
          ...(b.council ? { council: b.council } : {}),
          ...(b.issuerAddress ? { issuerAddress: getAddress(b.issuerAddress.toLowerCase()) } : {}),
        },
        userActorOf(request),
        'admin',
      );
      deps.chainOps.kick();
      return reply.status(201).send({
        id: created.id,
        email: created.email,
        name: created.name,
        registrationNumber: created.registrationNumber!,
        issuerAddress: created.issuerAddress!,
      });
    },
  );

  app.post(
    '/api/doctors/:id/compromised',
    {
      schema: {
        tags: ['doctors'],
        summary:
          'Report a doctor’s issuing key compromised from a past time (admin; on chain through the outbox)',
        params: IdParams,
        body: MarkCompromised,
        response: withErrors({ 204: Type.Null() }),
      },
      config: { roles: ['admin'] },
    },
    async (request, reply) => {
      await accounts.markCompromised(userActorOf(request), request.params.id, request.body.from);
      deps.chainOps.kick();
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/doctors/:id/profile',
    {
      schema: {
        tags: ['doctors'],
        summary:
          'Renew a doctor’s public profile (admin: name, registration number or council changed); a new term on chain through the outbox',
        params: IdParams,
        body: RenewProfile,
        response: withErrors({ 204: Type.Null() }),
      },
      config: { roles: ['admin'] },
    },
    async (request, reply) => {
      await accounts.renewDoctorProfile(userActorOf(request), request.params.id, request.body);
      deps.chainOps.kick();
      return reply.status(204).send(null);
    },
  );
}
