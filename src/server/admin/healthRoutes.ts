import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Health } from '../../api/index.js';
import type { PortalDeps } from '../PortalDeps.js';

/** Each probe's own bound: a hung part answers `down` in this time instead of hanging /health. */
const PROBE_TIMEOUT_MS = 2000;

/** ok when `probe` resolves within the bound, down when it fails or takes longer. */
async function probe(run: () => Promise<unknown>): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'down'>((resolve) => {
    timer = setTimeout(() => resolve('down'), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      run().then(
        () => 'ok' as const,
        () => 'down' as const,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness for load balancers: 200 `ok` when every part answers, 503 `degraded` naming the part that
 * does not. The probes run side by side, each bounded, so the answer comes within PROBE_TIMEOUT_MS.
 * Storage (the blob store, `blobStore` says which) is down when a folder is not writable or has less than
 * MEDPROOF_MIN_FREE_MB free, or when the bucket does not answer. `leader` says
 * whether this replica holds the writer lease (always true for a lone process).
 */
export function healthRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const reserve = deps.config.minFreeMb * 2 ** 20;
  app.get(
    '/health',
    { schema: { tags: ['health'], response: { 200: Health, 503: Health } }, config: { public: true } },
    async (_request, reply) => {
      const [database, chain, storage] = await Promise.all([
        probe(() => sql`select 1`.execute(deps.db.kysely)),
        // Answering is not enough: a paused engine (CHAIN_MISMATCH: a reset or other chain) is down too.
        probe(async () => {
          await deps.chain.conn.client.getBlockNumber({ cacheTime: 0 });
          if (deps.engine.pausedState !== null) throw new Error(deps.engine.pausedState.code);
        }),
        probe(() => deps.blobs.probe(reserve)),
      ]);
      const ok = database === 'ok' && chain === 'ok' && storage === 'ok';
      // A follower is healthy: it serves requests; only the leader runs the writers.
      const leader = deps.writer?.leading ?? true;
      return reply.status(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'degraded',
        database,
        chain,
        storage,
        blobStore: deps.blobs.kind,
        leader,
      });
    },
  );
}
