import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AuditEventSchema, AuditQuery, AuditReport, withErrors } from '../../api/index.js';
import { verifyAuditLog } from '../../anchoring/index.js';
import { userActorOf } from '../auth/actorOf.js';
import type { PortalDeps } from '../PortalDeps.js';

/** The access log (each role its own view of it, see AuditLogRepository) and the admin's chain check. */
export function auditRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { auditLog } = deps.repos;

  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Access log, newest first (patient: events on your records)',
        querystring: AuditQuery,
        response: withErrors({ 200: Type.Array(AuditEventSchema) }),
      },
    },
    (request) =>
      auditLog.events(userActorOf(request), {
        limit: Number(request.query.limit ?? 200),
        ...(request.query.before !== undefined ? { before: Number(request.query.before) } : {}),
      }),
  );

  app.get(
    '/api/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Check the audit log’s hash chain and its newest head anchored on chain (admin)',
        response: withErrors({ 200: AuditReport }),
      },
      config: { roles: ['admin'] },
    },
    () =>
      verifyAuditLog(deps.db.kysely, () => Promise.resolve(deps.chain.reader), {
        registry: deps.chain.registry,
      }),
  );
}
