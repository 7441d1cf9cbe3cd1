import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorPointOf } from '../../src/anchoring/anchorPointOf.js';
import { checkAnchoredAuditHead } from '../../src/anchoring/auditHead/checkAnchoredAuditHead.js';
import { leanRegistryReader } from '../../src/io/leanRegistryReader.js';
import { auditAnchorsNewestFirst, commitAuditHead } from '../../src/store/audit/auditAnchors.js';
import { appendAudit, auditHash } from '../../src/store/audit/appendAudit.js';
import { verifyAuditChain } from '../../src/store/audit/verifyAuditChain.js';
import type { Db, Executor } from '../../src/store/db/Db.js';
import { openDatabase } from '../../src/store/db/openDatabase.js';
import { createPgDatabase, DB_KINDS } from '../helpers/databases.js';
import { startTestPortal, type TestPortal } from '../helpers/portal.js';
import { spawnCli } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp.js';

/**
 * The attack of issue 8: delete an audit row and recompute every later hash (and the head), so the
 * hash chain alone says intact. Someone with the database can do that; they cannot change the chain.
 */
async function deleteAndRecompute(db: Executor, seq: number): Promise<void> {
  const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', seq).orderBy('seq').execute();
  const before = await db
    .selectFrom('audit_log')
    .select('hash')
    .where('seq', '=', seq - 1)
    .executeTakeFirst();
  await db.deleteFrom('audit_log').where('seq', '>=', seq).execute();
  let prev = before?.hash ?? '0'.repeat(64);
  for (const r of rows.slice(1)) {
    const row = { ...r, seq: Number(r.seq) - 1 };
    const hash = auditHash(prev, row);
    await db
      .insertInto('audit_log')
      .values({ ...row, prev_hash: prev, hash })
      .execute();
    prev = hash;
  }
  await db
    .updateTable('audit_head')
    .set({ seq: Number(rows.at(-1)!.seq) - 1, hash: prev })
    .where('id', '=', 1)
    .execute();
}

/** The newest audit head whose batch is anchored, as the database says. */
async function newestAnchoredSeq(db: Executor): Promise<number | undefined> {
  for (const a of await auditAnchorsNewestFirst(db))
    if ((await anchorPointOf(db, a.leaf))?.state === 'anchored') return a.seq;
  return undefined;
}

describe.each(DB_KINDS)("the audit log's head, anchored on chain (%s)", (kind) => {
  const dir = tmpDir('medproof-audit-anchor-');
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_')),
  );
  let pg: { url: string; drop(): Promise<void> } | undefined;
  let portal: TestPortal | undefined;
  let db: Db;
  let anchoredSeq = 0;
  let apiReport: Record<string, unknown> = {};

  const auditVerify = async () => {
    const cli = spawnCli(['audit', 'verify', '--data-dir', dir.path], { env });
    const code = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  };

  beforeAll(async () => {
    // The database outlives the portal (the CLI reads it after the portal stopped).
    pg = kind === 'postgres' ? await createPgDatabase() : undefined;
    if (pg) env.MEDPROOF_DATABASE_URL = pg.url;
    portal = await startTestPortal({
      dataDir: dir.path,
      config: { auditAnchorSeconds: 1 },
      ...(pg ? { env: { MEDPROOF_DATABASE_URL: pg.url } } : {}),
    });
    const admin = await portal.admin();
    await portal.doctor(admin, 'Dr Audit');
    const patient = await portal.patient('Asha Kulkarni');
    for (let i = 0; i < 4; i++) expect((await patient.get('/api/documents')).status).toBe(200);
    const head = await portal.system.db.kysely
      .selectFrom('audit_head')
      .select('seq')
      .executeTakeFirstOrThrow();
    expect(Number(head.seq)).toBeGreaterThan(4);
    // The committer runs every second; wait (bounded) until a head is anchored and verifies on chain.
    const reader = leanRegistryReader(portal.system.conn.rpcUrl);
    for (let i = 0; i < 600; i++) {
      const check = await checkAnchoredAuditHead(portal.system.db.kysely, reader);
      if (check.status === 'ok' && check.seq >= Number(head.seq)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    apiReport = (await admin.get('/api/audit/verify')).json();
    const url = portal.system.config.databaseUrl;
    await portal.stop();
    portal = undefined;
    db = await openDatabase(url);
    anchoredSeq = (await newestAnchoredSeq(db.kysely)) ?? 0;
    expect(anchoredSeq).toBeGreaterThanOrEqual(Number(head.seq));
    // Activity after the last anchored head (the portal is stopped: nothing commits it).
    for (let i = 0; i < 3; i++)
      await appendAudit(db.kysely, {
        actorId: null,
        actorRole: 'system',
        action: 'auth.login',
        outcome: 'failure',
      });
  }, 180_000);

  afterAll(async () => {
    await db?.close();
    await portal?.stop();
    await pg?.drop();
    dir.remove();
  });

  it('the leaf of the audit head rode in an ordinary batch, and audit verify checks it on chain', async () => {
    const [latest] = await auditAnchorsNewestFirst(db.kysely, 1);
    const point = await anchorPointOf(db.kysely, latest!.leaf);
    expect(point?.state).toBe('anchored');
    expect(latest!.fields.docType).toBe('audit-head');
    const r = await auditVerify();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`the audit head at row ${anchoredSeq} is in the log and on chain`);
    // The admin's API runs the same check against the portal's chain.
    expect(apiReport).toMatchObject({ ok: true, anchoredHead: { status: 'ok' } });
  }, 60_000);

  it('a row deleted AFTER the last anchored head, later hashes recomputed: NOT detected until the next head is anchored', async () => {
    const head = Number(
      (await db.kysely.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq,
    );
    expect(head).toBeGreaterThan(anchoredSeq + 1);
    await deleteAndRecompute(db.kysely, anchoredSeq + 2);
    expect((await verifyAuditChain(db.kysely)).ok).toBe(true);
    // What is covered: everything up to and including row anchoredSeq. What is not: the rows after it,
    // which only the hash chain protects until the committer anchors a newer head (every
    // MEDPROOF_AUDIT_ANCHOR_SECONDS while the portal runs). This is the window, shown, not hidden.
    const r = await auditVerify();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('audit log intact');
  }, 60_000);

  it('a row deleted BEFORE the last anchored head, later hashes recomputed: the hash chain says intact, the chain says AUDIT_HEAD_MISMATCH', async () => {
    await deleteAndRecompute(db.kysely, 2);
    expect((await verifyAuditChain(db.kysely)).ok).toBe(true);
    const r = await auditVerify();
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('AUDIT_HEAD_MISMATCH');
    expect(r.stdout).toContain(`history at or before row ${anchoredSeq} was rewritten`);
  }, 60_000);

  it('the anchored record edited to the rewritten hash: its fields no longer make its leaf (AUDIT_HEAD_MISMATCH)', async () => {
    const now = await db.kysely
      .selectFrom('audit_log')
      .select('hash')
      .where('seq', '=', anchoredSeq)
      .executeTakeFirstOrThrow();
    await db.kysely
      .updateTable('audit_anchors')
      .set({ hash: now.hash })
      .where('seq', '=', anchoredSeq)
      .execute();
    const r = await auditVerify();
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('AUDIT_HEAD_MISMATCH');
    expect(r.stdout).toContain(`the record of the audit head anchored at row ${anchoredSeq} was edited`);
  }, 60_000);

  it('two committers racing for one head: exactly one queues it, the other does nothing', async () => {
    await appendAudit(db.kysely, {
      actorId: null,
      actorRole: 'system',
      action: 'auth.login',
      outcome: 'failure',
    });
    const issuer = '0x000000000000000000000000000000000000dEaD';
    const results = await Promise.all([
      commitAuditHead(db.kysely, { issuer }),
      commitAuditHead(db.kysely, { issuer }),
    ]);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    const head = await db.kysely.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow();
    expect((await auditAnchorsNewestFirst(db.kysely, 1))[0]!.seq).toBe(Number(head.seq));
  });
});
