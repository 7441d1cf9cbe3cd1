import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../../store/audit/appendAudit.js';
import { clientIp } from '../auth/authPlugin.js';
import { destroyUserSessions } from '../auth/sessions.js';
import { badRequest, notFound } from '../http/HttpError.js';
import { IdParams, withErrors } from '../http/schemas.js';
import type { PortalDeps } from '../PortalDeps.js';

const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  status: Type.String(),
  createdAt: Type.Number(),
});
const Status = Type.Object({
  chain: Type.Object({
    rpcUrl: Type.String(),
    chainId: Type.Number(),
    registry: Type.String(),
    reachable: Type.Boolean(),
    blockNumber: Type.Union([Type.Number(), Type.Null()]),
  }),
  anchoring: Type.Object({
    running: Type.Boolean(),
    account: Type.String(),
    paused: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
    lastError: Type.Union([
      Type.Object({ code: Type.String(), message: Type.String(), at: Type.Number() }),
      Type.Null(),
    ]),
    queued: Type.Number(),
    inFlight: Type.Number(),
    anchored: Type.Number(),
    failedBatches: Type.Number(),
    reanchored: Type.Number(),
    oldestQueuedAt: Type.Union([Type.Number(), Type.Null()]),
  }),
  chainOps: Type.Object({
    pending: Type.Number(),
    failed: Type.Number(),
    lastError: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  }),
});

/** Admin: users (list, disable, enable) and the state of the chain and the anchoring queue. */
export function adminRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const db = deps.db.kysely;
  const admin = { config: { roles: ['admin'] as const } };

  app.get(
    '/api/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'All accounts (admin)',
        response: withErrors({ 200: Type.Array(User) }),
      },
      ...admin,
    },
    async () => {
      const rows = await db
        .selectFrom('users')
        .select(['id', 'email', 'name', 'role', 'status', 'created_at'])
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        email: r.email,
        name: r.name,
        role: r.role,
        status: r.status,
        createdAt: r.created_at,
      }));
    },
  );

  for (const action of ['disable', 'enable'] as const) {
    app.post<{ Params: Static<typeof IdParams> }>(
      `/api/users/:id/${action}`,
      {
        schema: {
          tags: ['admin'],
          summary: `${action === 'disable' ? 'Disable' : 'Enable'} an account (admin); disabling ends its sessions at once`,
          params: IdParams,
          response: withErrors({ 204: Type.Null() }),
        },
        ...admin,
      },
      async (request, reply) => {
        const me = request.auth!.user;
        if (request.params.id === me.id)
          throw badRequest('CANNOT_DISABLE_SELF', 'you cannot change your own account status');
        await db.transaction().execute(async (trx) => {
          const r = await trx
            .updateTable('users')
            .set({ status: action === 'disable' ? 'disabled' : 'active', updated_at: Date.now() })
            .where('id', '=', request.params.id)
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) === 0) throw notFound('no such user');
          if (action === 'disable') await destroyUserSessions(trx, request.params.id);
          await appendAudit(trx, {
            actorId: me.id,
            actorRole: 'admin',
            action: `user.${action}d`,
            outcome: 'success',
            ip: clientIp(request),
            details: { userId: request.params.id },
          });
        });
        return reply.status(204).send();
      },
    );
  }

  app.get(
    '/api/admin/status',
    {
      schema: {
        tags: ['admin'],
        summary: 'Chain, registry and anchoring queue (admin)',
        response: withErrors({ 200: Status }),
      },
      ...admin,
    },
    async () => {
      const { conn, registry } = deps.chain;
      const blockNumber = await conn.client.getBlockNumber({ cacheTime: 0 }).then(Number, () => null);
      const e = await deps.engine.status();
      return {
        chain: {
          rpcUrl: conn.rpcUrl,
          chainId: conn.chainId,
          registry,
          reachable: blockNumber !== null,
          blockNumber,
        },
        anchoring: {
          running: e.running,
          account: e.account,
          paused: e.paused,
          lastError: e.lastError,
          ...e.queue,
        },
        chainOps: await deps.chainOps.status(),
      };
    },
  );
}
