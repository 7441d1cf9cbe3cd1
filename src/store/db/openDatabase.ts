import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { MedproofError } from '../../core/index.js';
import type { Db, Dialect } from './Db.js';
import { guardedKysely } from './guardedPostgres.js';
import { migrations } from './migrations/index.js';
import { resilientPool } from './resilientPool.js';
import type { Database } from './schema.js';

const INT8_OID = 20;

export interface OpenDatabaseOptions {
  /** Longest wait for a new PostgreSQL connection (a hung or unreachable server). */
  readonly connectTimeoutMs?: number;
  /** Longest a PostgreSQL statement may run: the server cancels it, and the client gives up too. */
  readonly queryTimeoutMs?: number;
  /** Hears a connection's 'error' event (a cut connection); the pool reconnects on the next query. */
  readonly onConnectionError?: (error: Error) => void;
}

/** The file a SQLite database URL names (undefined for PostgreSQL). */
export function sqlitePathOf(url: string): string | undefined {
  if (/^postgres(ql)?:\/\//.test(url)) return undefined;
  return resolve(url.replace(/^(sqlite|file):(\/\/)?/, ''));
}

/**
 * Opens the database a URL names and brings its schema up to date:
 * `postgres://…` (or `postgresql://`) → PostgreSQL; `sqlite:PATH`, `file:PATH` or a bare path → SQLite.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Db> {
  const dialect: Dialect = /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
  let kysely: Kysely<Database>;
  let describe: string;
  let guarded: Db['guarded'];
  if (dialect === 'postgres') {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      // Bounded waits: behind a hung server a request fails (503) instead of hanging for ever.
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      // The server's own limit frees its side; the client's, a little later, covers a server that is
      // gone without a word (no RST: a cable, a frozen host).
      statement_timeout: options.queryTimeoutMs ?? 15_000,
      query_timeout: (options.queryTimeoutMs ?? 15_000) + 1000,
      keepAlive: true,
      // bigint columns hold millisecond times and block numbers, all well inside 2^53.
      types: {
        getTypeParser: (oid: number, format?: string) =>
          oid === INT8_OID
            ? (v: string) => Number(v)
            : (pg.types.getTypeParser(oid, format as 'text') as (v: string) => unknown),
      },
    });
    // A connection the server drops (a restart, a failover, pg_terminate_backend) emits 'error';
    // unheard, that would end the process. The pool discards the client and reconnects when next asked.
    const shared = resilientPool(pool, options.onConnectionError ?? (() => undefined));
    kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: shared }) });
    const u = new URL(url);
    const where = `postgres://${u.host}${u.pathname}`;
    describe = where;
    guarded = (guard) => ({
      kysely: guardedKysely(shared, guard),
      dialect: 'postgres',
      describe: where,
      close: () => Promise.resolve(),
    });
  } else {
    const path = sqlitePathOf(url)!;
    mkdirSync(dirname(path), { recursive: true });
    // Patient data: only this user may read the file. SQLite gives its -wal and -shm files the
    // database file's own mode, so creating the file 0600 first covers all three.
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
    const sqlite = new BetterSqlite3(path);
    // WAL for concurrent readers; FULL so a commit that returned survives power loss, not just a crash.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    describe = `sqlite:${path}`;
  }
  const db: Db = {
    kysely,
    dialect,
    describe,
    close: () => kysely.destroy(),
    ...(guarded ? { guarded } : {}),
  };
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/**
 * kysely prepares every query's SQL anew; preparing costs more than running a small query. Statements
 * are kept by their SQL text (queries are parameterised, so the set is small and bounded). Safe
 * because kysely runs each statement to completion before the next (no streaming is used).
 */
function withStatementCache(db: BetterSqlite3.Database): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const value = Reflect.get(target, prop, receiver) as unknown;
        // Native methods need the real database as `this`, not the proxy.
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return (sql: string) => {
        let stmt = cache.get(sql);
        if (!stmt) {
          stmt = target.prepare(sql);
          if (cache.size >= 1000) cache.clear();
          cache.set(sql, stmt);
        }
        return stmt;
      };
    },
  });
}

async function migrate(db: Db): Promise<void> {
  const list = migrations(db.dialect);
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: () => Promise.resolve(list) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MedproofError('DB_MIGRATION_FAILED', `database migration ${failed} failed on ${db.describe}`, {
      cause: error,
    });
  }
}
