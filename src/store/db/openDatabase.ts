import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { MedproofError } from '../../core/errors/MedproofError.js';
import type { Db, Dialect } from './Db.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

const INT8_OID = 20;

/**
 * Opens the database a URL names and brings its schema up to date:
 * `postgres://…` (or `postgresql://`) → PostgreSQL; `sqlite:PATH`, `file:PATH` or a bare path → SQLite.
 */
export async function openDatabase(url: string): Promise<Db> {
  const dialect: Dialect = /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
  let kysely: Kysely<Database>;
  let describe: string;
  if (dialect === 'postgres') {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      // bigint columns hold millisecond times and block numbers, all well inside 2^53.
      types: {
        getTypeParser: (oid: number, format?: string) =>
          oid === INT8_OID
            ? (v: string) => Number(v)
            : (pg.types.getTypeParser(oid, format as 'text') as (v: string) => unknown),
      },
    });
    // An idle connection the server drops (a restart, a failover) emits 'error'; unhandled, that would
    // end the process. The pool discards the client and the next query opens a new connection.
    pool.on('error', () => undefined);
    kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const u = new URL(url);
    describe = `postgres://${u.host}${u.pathname}`;
  } else {
    const path = resolve(url.replace(/^(sqlite|file):(\/\/)?/, ''));
    mkdirSync(dirname(path), { recursive: true });
    const sqlite = new BetterSqlite3(path);
    // WAL for concurrent readers; FULL so a commit that returned survives power loss, not just a crash.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    describe = `sqlite:${path}`;
  }
  const db: Db = { kysely, dialect, describe, close: () => kysely.destroy() };
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
