import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { isDatabaseUnavailable } from './isDatabaseUnavailable.js';

/**
 * The pg pool as kysely sees it, hardened against a database that goes away:
 *
 * - Every client has an 'error' listener for its whole life. pg-pool listens only while a client is
 *   idle; a connection cut while a query runs (pg_terminate_backend, a restart, a cut after COMMIT)
 *   emits 'error' on a checked-out client, and unheard, that event ends the process.
 * - A client whose query met an unavailable database is handed back as broken, so the pool closes it
 *   instead of lending it to the next request. kysely only discards a client whose ROLLBACK failed; a
 *   query that timed out on a hung server would otherwise leave a client whose next query queues
 *   behind the one still waiting. Only that client's own transaction fails.
 */
export function resilientPool(pool: pg.Pool, onError: (error: Error) => void): PostgresPool {
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  const wrapped = new WeakMap<pg.PoolClient, { client: PostgresPoolClient; broken: Error | undefined }>();
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      // kysely keys its connections by the client object: hand out one wrapper per pg client.
      let entry = wrapped.get(client);
      if (!entry) {
        const e: { client: PostgresPoolClient; broken: Error | undefined } = {
          broken: undefined,
          client: {
            query: ((...args: Parameters<pg.PoolClient['query']>) => {
              const result = (client.query as (...a: unknown[]) => unknown)(...args);
              if (result instanceof Promise) {
                return result.catch((error: unknown) => {
                  if (isDatabaseUnavailable(error)) e.broken = error as Error;
                  throw error;
                });
              }
              return result;
            }) as PostgresPoolClient['query'],
            release: (destroy?: boolean) => {
              const broken = e.broken ?? (destroy ? true : undefined);
              e.broken = undefined;
              if (broken) wrapped.delete(client);
              client.release(broken);
            },
          },
        };
        entry = e;
        wrapped.set(client, entry);
      }
      return entry.client;
    },
    end: () => pool.end(),
  };
}
