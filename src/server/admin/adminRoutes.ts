import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AdminStatus, IdParams, SecondFactorResetDone, UserSchema, withErrors } from '../../api/index.js';
import { userActorOf } from '../auth/actorOf.js';
import type { PortalDeps } from '../PortalDeps.js';

/** Admin: users (list, disable, enable, reset their second factors) and the state of the chain and the anchoring queue. */
export function adminRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, secondFactors } = deps.repos;
  const admin = { config: { roles: ['admin'] as const } };

  app.get(
    '/api/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'All accounts (admin)',
        response: withErrors({ 200: Type.Array(UserSchema) }),
      },
      ...admin,
    },
    (request) => accounts.listUsers(userActorOf(request)),
  );

  for (const action of ['disable', 'enable'] as const) {
    app.post(
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
        await accounts.setStatus(
          userActorOf(request),
          request.params.id,
          action === 'disable' ? 'disabled' : 'active',
        );
        return reply.status(204).send(null);
      },
    );
  }

  app.post(
    '/api/users/:id/second-factor/reset',
    {
      schema: {
        tags: ['admin'],
        summary:
          "Reset a doctor's or admin's second factors (a lost phone or passkey): their passkeys, authenticator app and recovery codes go, their sessions end, and they set up a new one at next sign-in (admin; never yourself)",
        params: IdParams,
        response: withErrors({ 200: SecondFactorResetDone }),
      },
      config: { roles: ['admin'] as const, stepUp: true },
    },
    async (request) => secondFactors.resetFactors(userActorOf(request), request.params.id),
  );

  app.get(
    '/api/admin/status',
    {
      schema: {
        tags: ['admin'],
        summary: 'Chain, registry and anchoring queue (admin)',
        response: withErrors({ 200: AdminStatus }),
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
