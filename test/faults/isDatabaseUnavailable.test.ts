import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/chain/embedded/processes.js';
import { MedproofError } from '../../src/core/index.js';
import { isDatabaseUnavailable } from '../../src/store/db/isDatabaseUnavailable.js';
import { PG_ADMIN_URL } from '../helpers/databases.js';
import { tmpDir } from '../helpers/tmp.js';

/** The error `run` rejects with (it must reject). */
async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('isDatabaseUnavailable, on errors the real drivers raise', () => {
  const dir = tmpDir('medproof-dbfault-');
  afterAll(() => dir.remove());

  it('PostgreSQL refusing connections (nothing listens on the port)', async () => {
    const port = await freePort();
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres' });
    expect(isDatabaseUnavailable(await errorOf(() => client.connect()))).toBe(true);
  });

  it('a backend ended by pg_terminate_backend (57P01), wrapped as a cause too', async () => {
    const victim = new pg.Client({ connectionString: PG_ADMIN_URL });
    victim.on('error', () => undefined);
    await victim.connect();
    const pid = (await victim.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    const sleeping = errorOf(() => victim.query('select pg_sleep(30)'));
    await admin.query('select pg_terminate_backend($1)', [pid]);
    await admin.end();
    const error = await sleeping;
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isDatabaseUnavailable(new Error('store failed', { cause: error }))).toBe(true);
    await victim.end().catch(() => undefined);
  });

  it('not a query the server refused for what it says (a unique violation, a syntax error)', async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      await c.query('create temp table t (id int primary key)');
      await c.query('insert into t values (1)');
      expect(isDatabaseUnavailable(await errorOf(() => c.query('insert into t values (1)')))).toBe(false);
      expect(isDatabaseUnavailable(await errorOf(() => c.query('selec 1')))).toBe(false);
    } finally {
      await c.end();
    }
    expect(isDatabaseUnavailable(new Error('a bug'))).toBe(false);
  });

  it('SQLite busy: another connection holds the write lock', () => {
    const path = join(dir.path, 'busy.db');
    const a = new BetterSqlite3(path);
    const b = new BetterSqlite3(path, { timeout: 0 });
    try {
      a.exec('create table t (x int)');
      a.exec('begin immediate');
      let error: unknown;
      try {
        b.exec('insert into t values (1)');
      } catch (e) {
        error = e;
      }
      expect((error as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
      expect(isDatabaseUnavailable(error)).toBe(true);
      a.exec('rollback');
    } finally {
      a.close();
      b.close();
    }
  });

  it('a refused connection that another part already named (the S3 blob store) is not the database’s', async () => {
    const port = await freePort();
    const refused = await errorOf(() =>
      new pg.Client({ host: '127.0.0.1', port, user: 'postgres' }).connect(),
    );
    const blobs = new MedproofError('BLOB_STORE_UNAVAILABLE', 'the blob store does not answer', {
      cause: refused,
    });
    expect(isDatabaseUnavailable(blobs)).toBe(false);
    expect(isDatabaseUnavailable(new MedproofError('INTERNAL_ERROR', 'wrapped', { cause: refused }))).toBe(
      true,
    );
  });
});
