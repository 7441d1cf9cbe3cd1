import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDriver,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { PostgresPool } from 'kysely';
import type { Database } from './schema.js';

/** Runs on a connection inside an open transaction; throws to refuse the transaction's writes. */
export type WriteGuard = (conn: DatabaseConnection) => Promise<void>;

const BEGIN = CompiledQuery.raw('begin');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

/** Reads run as they are; everything else (insert, update, delete, raw SQL) counts as a write. */
const isRead = (q: CompiledQuery) => q.query.kind === 'SelectQueryNode';

class GuardedConnection implements DatabaseConnection {
  inTransaction = false;
  constructor(
    readonly inner: DatabaseConnection,
    private readonly guard: WriteGuard,
  ) {}

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction || isRead(q)) return this.inner.executeQuery<R>(q);
    // A write on its own still commits only with the guard's check in the same transaction.
    await this.inner.executeQuery(BEGIN);
    try {
      await this.guard(this.inner);
      const r = await this.inner.executeQuery<R>(q);
      await this.inner.executeQuery(COMMIT);
      return r;
    } catch (error) {
      await this.inner.executeQuery(ROLLBACK).catch(() => undefined);
      throw error;
    }
  }

  streamQuery<R>(q: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(q, chunkSize);
  }
}

/** PostgresDriver's own connection type (its release and discard are private to it). */
type PgConnection = Parameters<PostgresDriver['releaseConnection']>[0];
const innerOf = (c: DatabaseConnection) => (c as GuardedConnection).inner as PgConnection;

/**
 * PostgreSQL's driver with a guard run first in every transaction (and around every write made
 * outside one). Shares the pool of the database it was made from: destroying it closes nothing.
 */
class GuardedDriver implements Driver {
  private readonly inner: PostgresDriver;
  constructor(
    pool: PostgresPool,
    private readonly guard: WriteGuard,
  ) {
    this.inner = new PostgresDriver({ pool });
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new GuardedConnection(await this.inner.acquireConnection(), this.guard);
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.inner.beginTransaction(innerOf(conn), settings);
    try {
      await this.guard(innerOf(conn));
    } catch (error) {
      // kysely rolls back only a transaction whose begin returned: this one is ours to end.
      await this.inner.rollbackTransaction(innerOf(conn)).catch(() => undefined);
      throw error;
    }
    (conn as GuardedConnection).inTransaction = true;
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    try {
      await this.inner.commitTransaction(innerOf(conn));
    } finally {
      (conn as GuardedConnection).inTransaction = false;
    }
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    try {
      await this.inner.rollbackTransaction(innerOf(conn));
    } finally {
      (conn as GuardedConnection).inTransaction = false;
    }
  }

  releaseConnection(conn: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(innerOf(conn));
  }

  destroy(): Promise<void> {
    return Promise.resolve();
  }
}

/** A kysely handle on `pool` whose every write commits only if `guard` passes in the same transaction. */
export function guardedKysely(pool: PostgresPool, guard: WriteGuard): Kysely<Database> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new GuardedDriver(pool, guard),
    createQueryCompiler: () => new PostgresQueryCompiler(),
    createIntrospector: (db) => new PostgresIntrospector(db),
  };
  return new Kysely<Database>({ dialect });
}
