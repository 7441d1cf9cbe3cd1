import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db/schema.js';
import { migrations } from '../../src/store/db/migrations/index.js';
import { createPgDatabase, DB_KINDS, type DbKind } from '../helpers/databases.js';
import { tmpDir } from '../helpers/tmp.js';

async function rawDatabase(kind: DbKind): Promise<{ k: Kysely<Database>; cleanup(): Promise<void> }> {
  if (kind === 'postgres') {
    const pgdb = await createPgDatabase();
    const pool = new pg.Pool({ connectionString: pgdb.url, max: 2 });
    const k = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { k, cleanup: async () => (await k.destroy(), await pgdb.drop()) };
  }
  const dir = tmpDir('medproof-usage-');
  const k = new Kysely<Database>({
    dialect: new SqliteDialect({ database: new BetterSqlite3(`${dir.path}/medproof.db`) }),
  });
  return { k, cleanup: async () => (await k.destroy(), dir.remove()) };
}

describe.each(DB_KINDS)('0017: each doctor’s issued totals on %s', (kind) => {
  it('are backfilled from the documents a database already holds', async () => {
    const raw = await rawDatabase(kind);
    const k = raw.k;
    try {
      const migrator = new Migrator({
        db: k,
        provider: { getMigrations: () => Promise.resolve(migrations(kind)) },
      });
      expect((await migrator.migrateTo('0012_replicas_lease')).error).toBeUndefined();
      const user = (id: string, role: 'doctor' | 'patient') => ({
        id,
        email: `${id}@usage.test`,
        password_hash: 'x',
        role,
        name: id,
        status: 'active' as const,
        created_at: 1,
        updated_at: 1,
      });
      await k
        .insertInto('users')
        .values([
          user('dr-a', 'doctor'),
          user('dr-b', 'doctor'),
          user('dr-idle', 'doctor'),
          user('pat', 'patient'),
        ])
        .execute();
      // The columns 0017 adds do not exist yet: only the ones that did.
      for (const [n, id] of ['dr-a', 'dr-b', 'dr-idle'].entries())
        await k
          .insertInto('doctors')
          .values({
            user_id: id,
            registration_number: `R-${id}`,
            issuer_address: `0x${String(n).repeat(40)}`,
          })
          .execute();
      const doc = (i: number, issuer: string, size: number) => ({
        id: `doc-${i}`,
        patient_id: 'pat',
        issuer_id: issuer,
        request_id: null,
        doc_type: 'report',
        title: 't',
        file_name: 'f.pdf',
        mime_type: 'application/pdf',
        size,
        doc_hash: `0x${String(i).padStart(64, '0')}`,
        salt: '0x00',
        patient_ref: '0x00',
        issuer_address: `0x${'1'.repeat(40)}`,
        issued_at: 1,
        leaf: `0x${String(i).padStart(64, 'a')}`,
        blob_key: null,
        wrapped_key: null,
        status: i === 2 ? ('revoked' as const) : ('active' as const),
        revoked_at: null,
        revoke_reason: null,
        created_at: i,
        held_ref: null,
      });
      await k
        .insertInto('documents')
        .values([doc(1, 'dr-a', 100), doc(2, 'dr-a', 250), doc(3, 'dr-a', 50), doc(4, 'dr-b', 7)])
        .execute();

      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const rows = await k
        .selectFrom('doctors')
        .select(['user_id', 'issued_documents', 'issued_bytes'])
        .orderBy('user_id')
        .execute();
      // Revoked documents count, as the quota always counted them.
      expect(rows.map((r) => [r.user_id, Number(r.issued_documents), Number(r.issued_bytes)])).toEqual([
        ['dr-a', 3, 400],
        ['dr-b', 1, 7],
        ['dr-idle', 0, 0],
      ]);
    } finally {
      await raw.cleanup();
    }
  });
});
