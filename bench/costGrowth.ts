/**
 * Cost growth: the same operations with 10k, 100k and 1M documents in the database, on SQLite and on
 * PostgreSQL, and the growth factor per 10x. Each size is a fresh portal (startSystem, anvil, the
 * real routes through app.inject); the documents are seeded with bulk SQL (a recursive CTE on SQLite,
 * generate_series on PostgreSQL) as the portal would have written them: a patient and a user row per
 * ten documents, an anchored leaf per document in batches of 256 (final, with their leaf lists), and
 * a `document.issued` audit row per document continuing the real hash chain, so `audit verify` checks
 * every row. What is measured touches a fixed amount of data (one patient's 20 documents, one hash,
 * one upload), except `audit verify`, which reads every row by design, and anchoring, which is per
 * queued document: an operation whose time grows with the database beyond that is a bug.
 *
 *   npx tsx bench/costGrowth.ts                     10k and 100k, SQLite and PostgreSQL
 *   npx tsx bench/costGrowth.ts --max=1000000       up to 1M
 *   npx tsx bench/costGrowth.ts --db=sqlite         one database
 *   npx tsx bench/costGrowth.ts --min=1000000 --max=1000000   one size
 *   npm run bench -- cost-growth                    as a stage (COST_MAX=1000000 for 1M)
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Hex } from 'viem';
import { verifyAuditLog } from '../src/anchoring/auditHead/verifyAuditLog.js';
import { toHex } from '../src/core/hash/hex.js';
import { leanRegistryReader } from '../src/io/leanRegistryReader.js';
import { enqueueLeaves } from '../src/store/anchorQueue/anchorQueue.js';
import { auditHash } from '../src/store/audit/appendAudit.js';
import type { Db } from '../src/store/db/Db.js';
import type { DbKind } from '../test/helpers/databases.js';
import { startTestPortal, type Client, type TestPortal } from '../test/helpers/portal.js';
import { ms, table } from './table.js';

const SIZES = [10_000, 100_000, 1_000_000];
/** The measured patient's own documents, issued through the API. */
const OWN = 20;
const DOCS_PER_PATIENT = 10;
const PER_BATCH = 256;
const LIST_REPS = 200;
const VERIFY_REPS = 200;
const ISSUE_REPS = 20;
/** Anchoring is measured with this many queued at once (the issue's "from 10k to 100k queued"). */
const MAX_QUEUED = 100_000;
const MAX_QUEUED_ENROLLING = 10_000;
const ARGON2_LIKE = `$argon2id$v=19$m=19456,t=2,p=1$${'s'.repeat(22)}$${'h'.repeat(43)}`;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function timed(reps: number, run: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await run();
    out.push(performance.now() - t);
  }
  return out;
}

/** Ids the SQL and the audit rows agree on, from the row number alone. */
const docIdSql = (d: Db['dialect'], i: string) =>
  d === 'postgres'
    ? `'00000000-0000-4000-8000-' || lpad((${i})::text, 12, '0')`
    : `'00000000-0000-4000-8000-' || substr('000000000000' || (${i}), -12, 12)`;
const patientIdSql = (d: Db['dialect'], i: string) =>
  d === 'postgres'
    ? `'00000000-0000-4000-9000-' || lpad((${i})::text, 12, '0')`
    : `'00000000-0000-4000-9000-' || substr('000000000000' || (${i}), -12, 12)`;
const docIdOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const patientIdOf = (i: number) => `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;
/** 32 random bytes as 0x-hex, per row. */
const hex32 = (d: Db['dialect']) =>
  d === 'postgres'
    ? `'0x' || md5(random()::text) || md5(random()::text)`
    : `'0x' || lower(hex(randomblob(32)))`;
/** Rows 0 … n-1 as `g.i`. */
const series = (d: Db['dialect'], n: number) =>
  d === 'postgres'
    ? `generate_series(0, ${n - 1}) AS g(i)`
    : `(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ${n}) SELECT i FROM s) AS g`;

/** `n` documents of `doctorId`, their patients, anchored leaves, final batches and audit rows. */
export async function seed(db: Db, n: number, doctorId: string, issuerAddress: string): Promise<void> {
  const d = db.dialect;
  const k = db.kysely;
  const run = (text: string) => sql.raw(text).execute(k);
  const patients = Math.ceil(n / DOCS_PER_PATIENT);
  const batches = Math.ceil(n / PER_BATCH);
  const t0 = Date.now() - n * 1000;
  await run(
    `INSERT INTO users (id, email, password_hash, role, name, status, created_at, updated_at)
     SELECT ${patientIdSql(d, 'g.i')}, 'seed-patient-' || g.i || '@seed.test', '${ARGON2_LIKE}', 'patient',
            'Seed Patient ' || g.i, 'active', ${t0}, ${t0}
     FROM ${series(d, patients)}`,
  );
  await run(
    `INSERT INTO patients (user_id, patient_ref, id_kind, id_sealed, id_masked, dob_sealed, claimed_ref, id_proven_at, id_proven_via)
     SELECT ${patientIdSql(d, 'g.i')}, ${hex32(d)}, 'aadhaar', ${hex32(d)} || ${hex32(d)}, 'XXXX XXXX 1234',
            ${hex32(d)}, NULL, ${t0}, 'code'
     FROM ${series(d, patients)}`,
  );
  const base = Number(
    (await sql<{ m: number | null }>`SELECT max(id) AS m FROM anchor_batches`.execute(k)).rows[0]?.m ?? 0,
  );
  const chain = await k
    .selectFrom('anchor_batches')
    .select(['chain_id', 'registry'])
    .executeTakeFirstOrThrow();
  await run(
    `INSERT INTO anchor_batches (${d === 'postgres' ? '' : ''}id, root, leaf_count, leaves, chain_id, registry, status, nonce, tx_hash,
       block_number, block_hash, anchored_at, attempts, reanchor_count, next_attempt_at, created_at, sent_at,
       confirmed_at, checked_at, final_at)
     ${d === 'postgres' ? 'OVERRIDING SYSTEM VALUE' : ''}
     SELECT ${base + 1} + g.i, ${hex32(d)}, ${PER_BATCH}, '[]', ${chain.chain_id}, '${chain.registry}', 'final',
            100000 + g.i, ${hex32(d)}, 1000 + g.i, ${hex32(d)}, ${Math.floor(t0 / 1000)} + g.i, 1, 0, 0,
            ${t0} + g.i * ${PER_BATCH * 1000}, ${t0} + g.i * ${PER_BATCH * 1000}, ${t0} + g.i * ${PER_BATCH * 1000} + 1500,
            ${t0} + g.i * ${PER_BATCH * 1000} + 9000, ${t0} + g.i * ${PER_BATCH * 1000} + 15000
     FROM ${series(d, batches)}`,
  );
  if (d === 'postgres')
    await run(
      `SELECT setval(pg_get_serial_sequence('anchor_batches', 'id'), (SELECT max(id) FROM anchor_batches))`,
    );
  // Documents from the same row numbers; `created_at - t0` gives each row's number back below.
  await run(
    `INSERT INTO documents (id, patient_id, issuer_id, request_id, doc_type, title, file_name, mime_type, size,
       doc_hash, salt, patient_ref, issuer_address, issued_at, leaf, blob_key, wrapped_key, status, revoked_at,
       revoke_reason, created_at, held_ref)
     SELECT ${docIdSql(d, 'g.i')}, ${patientIdSql(d, `g.i % ${patients}`)}, '${doctorId}', NULL, 'report',
            'Blood test report', 'report.pdf', 'application/pdf', 100000 + g.i % 900000, ${hex32(d)}, ${hex32(d)},
            ${hex32(d)}, '${issuerAddress}', ${Math.floor(t0 / 1000)} + g.i, ${hex32(d)},
            ${hex32(d)}, ${hex32(d)} || ${hex32(d)}, 'active', NULL, NULL, ${t0} + g.i, NULL
     FROM ${series(d, n)}`,
  );
  await run(
    `INSERT INTO anchor_leaves (leaf, status, batch_id, queued_at)
     SELECT leaf, 'anchored', ${base + 1} + (created_at - ${t0}) / ${PER_BATCH}, created_at
     FROM documents WHERE created_at >= ${t0} AND created_at < ${t0 + n}`,
  );
  // PostgreSQL: one grouped pass. With a subquery per batch, the planner (no statistics yet for the
  // rows just inserted) scanned every leaf for each batch: at 1M documents unfinished after 16 minutes.
  await run(
    d === 'postgres'
      ? `UPDATE anchor_batches SET leaves = x.leaves
         FROM (SELECT batch_id, '["' || string_agg(leaf, '","') || '"]' AS leaves
               FROM anchor_leaves WHERE batch_id > ${base} GROUP BY batch_id) x
         WHERE anchor_batches.id = x.batch_id`
      : `UPDATE anchor_batches SET leaves = (SELECT json_group_array(l.leaf) FROM anchor_leaves l
           WHERE l.batch_id = anchor_batches.id) WHERE id > ${base}`,
  );
  // The quota's running totals (0017), as issuing them would have left them.
  await run(
    `UPDATE doctors SET issued_documents = issued_documents + ${n},
       issued_bytes = issued_bytes + (SELECT coalesce(sum(size), 0) FROM documents WHERE created_at >= ${t0} AND created_at < ${t0 + n})
     WHERE user_id = '${doctorId}'`,
  );
  await seedAudit(db, n, doctorId, patients, t0);
}

/** One `document.issued` row per seeded document, continuing the log's hash chain from its head. */
async function seedAudit(db: Db, n: number, doctorId: string, patients: number, t0: number): Promise<void> {
  const insert =
    db.dialect === 'postgres'
      ? (json: string) =>
          sql`INSERT INTO audit_log (seq, at, actor_id, actor_role, action, outcome, document_id, subject_id, ip, details, prev_hash, hash)
              SELECT * FROM json_to_recordset(${json}::json) AS x(seq bigint, at bigint, actor_id text, actor_role text,
                action text, outcome text, document_id text, subject_id text, ip text, details text, prev_hash text, hash text)`
      : (json: string) =>
          sql`INSERT INTO audit_log (seq, at, actor_id, actor_role, action, outcome, document_id, subject_id, ip, details, prev_hash, hash)
              SELECT json_extract(value, '$.seq'), json_extract(value, '$.at'), json_extract(value, '$.actor_id'),
                json_extract(value, '$.actor_role'), json_extract(value, '$.action'), json_extract(value, '$.outcome'),
                json_extract(value, '$.document_id'), json_extract(value, '$.subject_id'), json_extract(value, '$.ip'),
                json_extract(value, '$.details'), json_extract(value, '$.prev_hash'), json_extract(value, '$.hash')
              FROM json_each(${json})`;
  await db.kysely.transaction().execute(async (trx) => {
    // Taking the head first holds off the portal's own appenders (its row lock on PostgreSQL).
    const head = await trx
      .updateTable('audit_head')
      .set((eb) => ({ seq: eb('seq', '+', 0) }))
      .where('id', '=', 1)
      .returning(['seq', 'hash'])
      .executeTakeFirstOrThrow();
    let seq = Number(head.seq);
    let prev = head.hash;
    const CHUNK = 5000;
    for (let from = 0; from < n; from += CHUNK) {
      const rows = [];
      for (let i = from; i < Math.min(n, from + CHUNK); i++) {
        const row = {
          seq: ++seq,
          at: t0 + i,
          actor_id: doctorId,
          actor_role: 'doctor',
          action: 'document.issued',
          outcome: 'success' as const,
          document_id: docIdOf(i),
          subject_id: patientIdOf(i % patients),
          ip: '10.20.30.40',
          details: JSON.stringify({ docType: 'report', size: 100000 + (i % 900000), stamped: false }),
        };
        const hash = auditHash(prev, row);
        rows.push({ ...row, prev_hash: prev, hash });
        prev = hash;
      }
      await insert(JSON.stringify(rows)).execute(trx);
    }
    await trx.updateTable('audit_head').set({ seq, hash: prev }).where('id', '=', 1).execute();
  });
}

/**
 * Until no leaf waits. One indexed row per look, every 100 ms: counting the queue (as /metrics does,
 * once a scrape) every few ms would itself slow the engine it measures (SQLite runs in this thread).
 */
async function waitQueueEmpty(db: Db): Promise<void> {
  const deadline = Date.now() + 30 * 60_000;
  const waiting = () =>
    db.kysely
      .selectFrom('anchor_leaves')
      .select('leaf')
      .where('status', 'in', ['queued', 'batched'])
      .limit(1)
      .executeTakeFirst();
  while ((await waiting()) !== undefined) {
    if (Date.now() > deadline) throw new Error('anchoring did not finish in 30 minutes');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function databaseBytes(portal: TestPortal): Promise<number> {
  const db = portal.system.db;
  if (db.dialect === 'postgres') {
    const r = await sql<{ b: string }>`SELECT pg_database_size(current_database()) AS b`.execute(db.kysely);
    return Number(r.rows[0]!.b);
  }
  // Checkpointed first, so the WAL's pages are counted once, in the file.
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db.kysely);
  return statSync(join(portal.dataDir, 'medproof.db')).size;
}

interface Row {
  readonly n: number;
  readonly listP50: number;
  readonly listP99: number;
  readonly verifyP50: number;
  readonly issueP50: number;
  readonly auditS: number;
  readonly queued: number;
  readonly anchorMsPerDoc: number;
  readonly heldQueue: number;
  readonly enrollingMsPerDoc: number;
  readonly bytesPerDoc: number;
  readonly seedS: number;
}

async function measure(kind: DbKind, n: number): Promise<Row> {
  const portal = await startTestPortal({
    db: kind,
    config: { batchMax: PER_BATCH },
    env: {
      MEDPROOF_QUOTA_DOCUMENTS: '100000000',
      MEDPROOF_QUOTA_MB: '100000000',
      // Seeding inserts up to a million rows in one statement.
      MEDPROOF_DB_QUERY_TIMEOUT_MS: '3600000',
    },
  });
  try {
    const admin = await portal.admin();
    const doctor: Client = await portal.doctor(admin, 'Dr Growth');
    const patient = await portal.patient('Growth Patient');
    const own: { id: string; docHash: string }[] = [];
    for (let i = 0; i < OWN; i++) {
      const r = await portal.issue(doctor, patient.patientNumber);
      if (r.status !== 201) throw new Error(`issue failed: ${r.body}`);
      own.push(r.json());
    }
    for (const d of own) await portal.waitAnchored(patient, d.id);
    const db = portal.system.db;
    const issuer = await db.kysely
      .selectFrom('doctors')
      .select('issuer_address')
      .where('user_id', '=', doctor.user!.id)
      .executeTakeFirstOrThrow();
    let t = performance.now();
    await seed(db, n - OWN, doctor.user!.id, issuer.issuer_address);
    // As autovacuum would have by then (PostgreSQL), and as an operator runs it (SQLite keeps no statistics by itself).
    await sql`ANALYZE`.execute(db.kysely);
    const seedS = (performance.now() - t) / 1000;
    const bytesPerDoc = (await databaseBytes(portal)) / n;

    const list = await timed(LIST_REPS, async () => {
      const r = await patient.get('/api/documents');
      if (r.status !== 200 || r.json<unknown[]>().length !== OWN) throw new Error(`list: ${r.status}`);
    });
    const verify = await timed(VERIFY_REPS, async () => {
      const r = await portal.client('10.0.0.9').post('/api/verify', { docHash: own[0]!.docHash });
      if (r.status !== 200) throw new Error(`verify: ${r.status} ${r.body}`);
    });
    const issue = await timed(ISSUE_REPS, async () => {
      const r = await portal.issue(doctor, patient.patientNumber);
      if (r.status !== 201) throw new Error(`issue: ${r.status} ${r.body}`);
    });
    t = performance.now();
    const report = await verifyAuditLog(db.kysely, () =>
      Promise.resolve(leanRegistryReader(portal.system.conn.rpcUrl, { timeoutMs: 5000 })),
    );
    const auditS = (performance.now() - t) / 1000;
    if (!report.ok) throw new Error(`audit verify: ${JSON.stringify(report)}`);
    if (report.rows < n) throw new Error(`audit verify read ${report.rows} rows, expected ≥ ${n}`);

    // Anchoring: as many queued at once as there are documents, up to MAX_QUEUED.
    const queued = Math.min(n, MAX_QUEUED);
    const leaves: Hex[] = Array.from({ length: queued }, () => toHex(randomBytes(32)));
    await waitQueueEmpty(db);
    t = performance.now();
    for (let i = 0; i < queued; i += 5000) await enqueueLeaves(db.kysely, leaves.slice(i, i + 5000));
    portal.system.engine.kick();
    await waitQueueEmpty(db);
    const anchorMsPerDoc = (performance.now() - t) / queued;

    // The same while a new doctor's enrolment is on its way to the chain: the engine then leaves that
    // doctor's documents in the queue, asking for every leaf it batches whether it is one of theirs.
    await portal.system.chainOps.stop();
    await portal.doctor(admin, 'Dr Enrolling');
    const heldQueue = Math.min(n, MAX_QUEUED_ENROLLING);
    const more: Hex[] = Array.from({ length: heldQueue }, () => toHex(randomBytes(32)));
    t = performance.now();
    for (let i = 0; i < heldQueue; i += 5000) await enqueueLeaves(db.kysely, more.slice(i, i + 5000));
    portal.system.engine.kick();
    await waitQueueEmpty(db);
    const enrollingMsPerDoc = (performance.now() - t) / heldQueue;
    portal.system.chainOps.start();
    return {
      n,
      listP50: quantile(list, 0.5),
      listP99: quantile(list, 0.99),
      verifyP50: quantile(verify, 0.5),
      issueP50: quantile(issue, 0.5),
      auditS,
      queued,
      anchorMsPerDoc,
      heldQueue,
      enrollingMsPerDoc,
      bytesPerDoc,
      seedS,
    };
  } finally {
    await portal.stop();
  }
}

const k = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
const factor = (a: number, b: number) => `${(b / a).toFixed(2)}×`;

export async function benchCostGrowth(
  o: { min?: number; max?: number; dbs?: DbKind[] } = {},
): Promise<string> {
  const max = o.max ?? 100_000;
  const min = o.min ?? 0;
  const out: string[] = [];
  for (const kind of o.dbs ?? (['sqlite', 'postgres'] as DbKind[])) {
    const rows: Row[] = [];
    for (const n of SIZES.filter((s) => s >= min && s <= max)) {
      process.stderr.write(`cost growth: ${kind} ${k(n)}…\n`);
      const r = await measure(kind, n);
      // Each size as it is measured: a later one that fails or is stopped leaves these behind.
      process.stderr.write(`cost growth: ${kind} ${JSON.stringify(r)}\n`);
      rows.push(r);
    }
    const cells = rows.map((r) => [
      k(r.n),
      ms(r.listP50),
      ms(r.listP99),
      ms(r.verifyP50),
      ms(r.issueP50),
      r.auditS.toFixed(2),
      `${ms(r.anchorMsPerDoc * 1000)} µs (${k(r.queued)})`,
      `${ms(r.enrollingMsPerDoc * 1000)} µs (${k(r.heldQueue)})`,
      Math.round(r.bytesPerDoc).toLocaleString('en'),
      r.seedS.toFixed(0),
    ]);
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!;
      const b = rows[i]!;
      cells.push([
        `${k(a.n)} → ${k(b.n)}`,
        factor(a.listP50, b.listP50),
        factor(a.listP99, b.listP99),
        factor(a.verifyP50, b.verifyP50),
        factor(a.issueP50, b.issueP50),
        factor(a.auditS, b.auditS),
        factor(a.anchorMsPerDoc, b.anchorMsPerDoc),
        factor(a.enrollingMsPerDoc, b.enrollingMsPerDoc),
        factor(a.bytesPerDoc, b.bytesPerDoc),
        '',
      ]);
    }
    out.push(
      table(
        `Cost growth on ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (a patient's 20 documents, one hash, one upload; growth factor per 10x below)`,
        [
          'documents',
          'list p50 (ms)',
          'list p99 (ms)',
          'verify by hash p50 (ms)',
          'issue p50 (ms)',
          'audit verify (s)',
          'anchoring per document (queued)',
          'same, a doctor being enrolled',
          'database bytes per document',
          'seeding (s)',
        ],
        cells,
      ),
    );
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? undefined;
  const max = Number(arg('max') ?? 100_000);
  const min = Number(arg('min') ?? 0);
  const dbs = (arg('db')?.split(',') as DbKind[] | undefined) ?? undefined;
  process.stdout.write(`${await benchCostGrowth({ min, max, ...(dbs ? { dbs } : {}) })}\n`);
  process.exit(0);
}
