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
    kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
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
