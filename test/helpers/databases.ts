import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../../src/store/db/openDatabase.js';
import type { Db } from '../../src/store/db/Db.js';
import { tmpDir } from './tmp.js';

export const DB_KINDS = ['sqlite', 'postgres'] as const;
export type DbKind = (typeof DB_KINDS)[number];

/** The PostgreSQL server tests create their own databases on (trust auth on this machine and in CI). */
export const PG_ADMIN_URL = process.env.MEDPROOF_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A new, empty PostgreSQL database for one test file, dropped afterwards. */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `medproof_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** An open, migrated database of the given kind, and its cleanup. */
export async function testDatabase(kind: DbKind): Promise<{ db: Db; url: string; cleanup(): Promise<void> }> {
  if (kind === 'postgres') {
    const pgdb = await createPgDatabase();
    const db = await openDatabase(pgdb.url);
    return {
      db,
      url: pgdb.url,
      cleanup: async () => (await db.close().catch(() => undefined), await pgdb.drop()),
    };
  }
  const dir = tmpDir('medproof-db-');
  const url = `sqlite:${dir.path}/medproof.db`;
  const db = await openDatabase(url);
  return { db, url, cleanup: async () => (await db.close().catch(() => undefined), dir.remove()) };
}
