import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { verifyAuditChain } from '../../store/audit/verifyAuditChain.js';
import { withErrors } from '../http/schemas.js';
import type { PortalDeps } from '../PortalDeps.js';

// Query strings are strings (the API does not coerce types): digits, parsed below.
const Query = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
    before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
  },
  { additionalProperties: false },
);
const Event = Type.Object({
  seq: Type.Number(),
  at: Type.Number(),
  action: Type.String(),
  outcome: Type.String(),
  actor: Type.Object({
    id: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    role: Type.String(),
  }),
  document: Type.Union([
    Type.Object({ id: Type.String(), title: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});
const Report = Type.Object({
  ok: Type.Boolean(),
  rows: Type.Number(),
  firstBroken: Type.Optional(Type.Object({ seq: Type.Number(), reason: Type.String() })),
});

/**
 * The access log. A patient sees every event on their data (who, what, when, from where, outcome),
 * including anonymous share uses and verifications; a doctor sees their own actions; an admin sees all.
 */
export function auditRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const db = deps.db.kysely;

  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Access log, newest first (patient: events on your records)',
        querystring: Query,
        response: withErrors({ 200: Type.Array(Event) }),
      },
    },
    async (request) => {
      const me = request.auth!.user;
      let q = db
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
        .limit(Math.min(Number(request.query.limit ?? 200), 500));
      if (request.query.before !== undefined) q = q.where('a.seq', '<', Number(request.query.before));
      if (me.role === 'patient') q = q.where('a.subject_id', '=', me.id);
      else if (me.role === 'doctor') q = q.where('a.actor_id', '=', me.id);
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
    },
  );

  app.get(
    '/api/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Check the audit log’s hash chain (admin)',
        response: withErrors({ 200: Report }),
      },
      config: { roles: ['admin'] },
    },
    () => verifyAuditChain(db),
  );
}
