import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { PortalDeps } from '../PortalDeps.js';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Boolean(),
  chain: Type.Boolean(),
  storage: Type.Boolean(),
});

/** Liveness for load balancers: 200 when every part answers, 503 `degraded` otherwise. No details leak. */
export function healthRoutes(app: FastifyInstance, deps: PortalDeps): void {
  app.get(
    '/health',
    { schema: { tags: ['health'], response: { 200: Health, 503: Health } }, config: { public: true } },
    async (_request, reply) => {
      const database = await sql`select 1`.execute(deps.db.kysely).then(
        () => true,
        () => false,
      );
      const chain = await deps.chain.conn.client.getBlockNumber({ cacheTime: 0 }).then(
        () => true,
        () => false,
      );
      const { access, constants } = await import('node:fs/promises');
      const storage = await access(deps.blobs.root, constants.W_OK).then(
        () => true,
        () => false,
      );
      const ok = database && chain && storage;
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', database, chain, storage });
    },
  );
}
