import type { Kysely, Transaction } from 'kysely';
import type { WriteGuard } from './guardedPostgres.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** An open database: the kysely handle, which SQL it speaks, and how to close it. */
export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /** Where it lives, without credentials: for logs and status. */
  readonly describe: string;
  close(): Promise<void>;
  /**
   * PostgreSQL only: the same database (same pool) with every write committed only if `guard` passes
   * in the same transaction (the writer lease's fencing check). Closing it closes nothing.
   */
  readonly guarded?: (guard: WriteGuard) => Db;
}

/** Query code takes either the database or a transaction, so callers can compose writes atomically. */
export type Executor = Kysely<Database> | Transaction<Database>;
