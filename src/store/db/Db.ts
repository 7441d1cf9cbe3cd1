import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** An open database: the kysely handle, which SQL it speaks, and how to close it. */
export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /** Where it lives, without credentials: for logs and status. */
  readonly describe: string;
  close(): Promise<void>;
}

/** Query code takes either the database or a transaction, so callers can compose writes atomically. */
export type Executor = Kysely<Database> | Transaction<Database>;
