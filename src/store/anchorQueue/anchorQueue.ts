import { sql, type Selectable } from 'kysely';
import type { Address, Hex } from 'viem';
import type { Executor } from '../db/Db.js';
import type { AnchorBatchesTable, BatchStatus } from '../db/schema.js';

export type BatchRow = Selectable<AnchorBatchesTable>;

const lower = (h: string) => h.toLowerCase();

/** SQL parameter lists stay well under SQLite's and PostgreSQL's limits. */
const CHUNK = 500;
function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}

/**
 * Accepts leaves for anchoring. Pass the caller's transaction so the leaf commits together with the
 * record it belongs to (the outbox): if that commit returns, the leaf will be anchored. Re-enqueueing
 * a known leaf is a no-op.
 */
export async function enqueueLeaves(db: Executor, leaves: readonly Hex[], now = Date.now()): Promise<void> {
  for (const part of chunks(leaves)) {
    await db
      .insertInto('anchor_leaves')
      .values(
        part.map((leaf) => ({
          leaf: lower(leaf),
          status: 'queued' as const,
          batch_id: null,
          queued_at: now,
        })),
      )
      .onConflict((oc) => oc.column('leaf').doNothing())
      .execute();
  }
}

/** The oldest queued leaves, and when the oldest was queued. */
export async function queuedLeaves(
  db: Executor,
  limit: number,
  /** Lower-case issuer addresses whose documents' leaves are left in the queue for now. */
  holdIssuers: readonly string[] = [],
): Promise<{ leaves: Hex[]; oldestAt: number | undefined }> {
  let q = db.selectFrom('anchor_leaves').select(['leaf', 'queued_at']).where('status', '=', 'queued');
  if (holdIssuers.length > 0)
    q = q.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('documents')
            .select(sql<number>`1`.as('one'))
            // Both stored lower-case: compared as they are, the unique index on documents.leaf finds
            // the one row (lower() around it scanned every document for each queued leaf).
            .whereRef('documents.leaf', '=', 'anchor_leaves.leaf')
            .where(sql<string>`lower(documents.issuer_address)`, 'in', [...holdIssuers]),
        ),
      ),
    );
  const rows = await q.orderBy('queued_at').orderBy('leaf').limit(limit).execute();
  return { leaves: rows.map((r) => r.leaf as Hex), oldestAt: rows[0]?.queued_at };
}

/** Where an issuer's documents stand on their way to the chain (see issuerAnchoring). */
export interface IssuerAnchoring {
  /** A document is accepted but its anchor not yet confirmed (queued, or its batch built, sent or mined). */
  readonly inFlight: boolean;
  /** The block of the issuer's latest confirmed batch, and when it was confirmed (ms). */
  readonly last?: { readonly blockNumber: number; readonly confirmedAt: number };
}

/**
 * An issuer's documents on their way to the chain. Ending the issuer's term waits for them: registry
 * v2 judges a leaf by the term at its root's anchoring time, so retiring first would turn the doctor's
 * last documents into ISSUER_NOT_ACTIVE although they were issued while the doctor was active.
 */
export async function issuerAnchoring(db: Executor, issuer: Address): Promise<IssuerAnchoring> {
  const batches = db
    .selectFrom('documents')
    // Both leaves stored lower-case: the unique leaf index joins them. The doctor's documents are found
    // through the issuer_id index; the address check keeps only leaves naming this address.
    .innerJoin('anchor_leaves', 'anchor_leaves.leaf', 'documents.leaf')
    .leftJoin('anchor_batches', 'anchor_batches.id', 'anchor_leaves.batch_id')
    .where('documents.issuer_id', 'in', (eb) =>
      eb
        .selectFrom('doctors')
        .select('doctors.user_id')
        .where(sql<string>`lower(doctors.issuer_address)`, '=', issuer.toLowerCase()),
    )
    .where(sql<string>`lower(documents.issuer_address)`, '=', issuer.toLowerCase());
  const inFlight = await batches
    .select(sql<number>`1`.as('one'))
    .where((eb) =>
      eb.or([
        eb('anchor_leaves.status', '=', 'queued'),
        eb('anchor_batches.status', 'in', ['built', 'sent', 'mined']),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  const last = await batches
    .select(['anchor_batches.block_number', 'anchor_batches.confirmed_at'])
    .where('anchor_batches.status', 'in', ['confirmed', 'final'])
    .where('anchor_batches.block_number', 'is not', null)
    .orderBy('anchor_batches.block_number', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    inFlight: inFlight !== undefined,
    ...(last?.block_number != null && {
      last: { blockNumber: last.block_number, confirmedAt: last.confirmed_at ?? 0 },
    }),
  };
}

/** Records a batch (root + leaves in tree order) and moves its leaves out of the queue, atomically if `db` is a transaction. */
export async function insertBatch(
  db: Executor,
  b: { root: Hex; leaves: readonly Hex[]; chainId: number; registry: Address },
  now = Date.now(),
): Promise<number> {
  const { id } = await db
    .insertInto('anchor_batches')
    .values({
      root: lower(b.root),
      leaf_count: b.leaves.length,
      leaves: JSON.stringify(b.leaves.map(lower)),
      chain_id: b.chainId,
      registry: b.registry,
      status: 'built',
      nonce: null,
      tx_hash: null,
      block_number: null,
      block_hash: null,
      anchored_at: null,
      attempts: 0,
      reanchor_count: 0,
      next_attempt_at: 0,
      error_code: null,
      last_error: null,
      created_at: now,
      sent_at: null,
      confirmed_at: null,
      checked_at: null,
      final_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const part of chunks(b.leaves)) {
    await db
      .updateTable('anchor_leaves')
      .set({ status: 'batched', batch_id: id })
      .where('leaf', 'in', part.map(lower))
      .where('status', '=', 'queued')
      .execute();
  }
  return id;
}

/** Batches of one chain and registry in the given states, oldest first. */
export function batchesIn(
  db: Executor,
  chainId: number,
  registry: Address,
  statuses: readonly BatchStatus[],
): Promise<BatchRow[]> {
  return db
    .selectFrom('anchor_batches')
    .selectAll()
    .where('chain_id', '=', chainId)
    .where('registry', '=', registry)
    .where('status', 'in', statuses)
    .orderBy('id')
    .execute();
}

export function batchById(db: Executor, id: number): Promise<BatchRow | undefined> {
  return db.selectFrom('anchor_batches').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface SignedTx {
  readonly hash: Hex;
  readonly raw: Hex;
  readonly nonce: number;
  readonly fee: bigint;
  readonly tip: bigint;
}

/**
 * Every batch transition names the state it expects and updates `WHERE id = ? AND status = expected`:
 * two engines (or a stale step) racing over one row cannot both win. Each returns whether it won; a
 * step that lost does nothing further.
 */
const won = (r: { numUpdatedRows: bigint } | undefined) => (r?.numUpdatedRows ?? 0n) > 0n;

/**
 * Persists a signed transaction and marks the batch sent, before the transaction leaves this process.
 * From `built` (a first send) or `sent` (a replacement at the same nonce). Pass a transaction as `db`:
 * the batch row and its transaction row commit together.
 */
export async function recordSigned(
  db: Executor,
  batchId: number,
  expected: 'built' | 'sent',
  tx: SignedTx,
  now = Date.now(),
): Promise<boolean> {
  const r = await db
    .updateTable('anchor_batches')
    .set({
      status: 'sent',
      nonce: tx.nonce,
      tx_hash: lower(tx.hash),
      sent_at: now,
      error_code: null,
      last_error: null,
    })
    .where('id', '=', batchId)
    .where('status', '=', expected)
    .executeTakeFirst();
  if (!won(r)) return false;
  // Re-signing a lost batch at the same nonce and fees gives the very same bytes: keep one row, newly dated.
  await db
    .insertInto('anchor_txs')
    .values({
      tx_hash: lower(tx.hash),
      batch_id: batchId,
      nonce: tx.nonce,
      raw: tx.raw,
      fee: tx.fee.toString(),
      tip: tx.tip.toString(),
      created_at: now,
    })
    .onConflict((oc) => oc.column('tx_hash').doUpdateSet({ created_at: now }))
    .execute();
  return true;
}

export function txsOf(db: Executor, batchId: number) {
  return db
    .selectFrom('anchor_txs')
    .selectAll()
    .where('batch_id', '=', batchId)
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * The root is in a block. `txHash` is null only for an adopted anchor whose transaction was not found
 * yet: such a batch stays mined (never confirmed) until {@link recordAnchorTx} fills it in.
 */
export async function recordMined(
  db: Executor,
  batchId: number,
  expected: BatchStatus,
  m: { txHash: Hex | null; blockNumber: number; blockHash: Hex | null; anchoredAt: number | null },
): Promise<boolean> {
  const r = await db
    .updateTable('anchor_batches')
    .set({
      status: 'mined',
      tx_hash: m.txHash === null ? null : lower(m.txHash),
      block_number: m.blockNumber,
      block_hash: m.blockHash === null ? null : lower(m.blockHash),
      anchored_at: m.anchoredAt,
      confirmed_at: null,
      checked_at: null,
      final_at: null,
      error_code: null,
      last_error: null,
    })
    .where('id', '=', batchId)
    .where('status', '=', expected)
    .executeTakeFirst();
  if (won(r) && (expected === 'confirmed' || expected === 'final')) {
    await db
      .updateTable('anchor_leaves')
      .set({ status: 'batched' })
      .where('batch_id', '=', batchId)
      .execute();
  }
  return won(r);
}

/** The transaction of an adopted anchor, found by its Anchored(root) event. Only while mined without one. */
export async function recordAnchorTx(db: Executor, batchId: number, txHash: Hex): Promise<boolean> {
  const r = await db
    .updateTable('anchor_batches')
    .set({ tx_hash: lower(txHash) })
    .where('id', '=', batchId)
    .where('status', '=', 'mined')
    .where('tx_hash', 'is', null)
    .executeTakeFirst();
  return won(r);
}

/**
 * Enough blocks on top: the batch and its leaves are anchored. Only from mined, and only with a real
 * transaction hash: a receipt never carries a made-up one.
 */
export async function recordConfirmed(db: Executor, batchId: number, now = Date.now()): Promise<boolean> {
  const r = await db
    .updateTable('anchor_batches')
    .set({ status: 'confirmed', confirmed_at: now })
    .where('id', '=', batchId)
    .where('status', '=', 'mined')
    .where('tx_hash', 'is not', null)
    .executeTakeFirst();
  if (!won(r)) return false;
  await db.updateTable('anchor_leaves').set({ status: 'anchored' }).where('batch_id', '=', batchId).execute();
  return true;
}

/**
 * Confirmed batches due for a re-check against the chain: the least recently checked first (never
 * checked before all others), so every one is looked at in turn however many wait.
 */
export function confirmedToRecheck(
  db: Executor,
  chainId: number,
  registry: Address,
  limit: number,
): Promise<BatchRow[]> {
  return db
    .selectFrom('anchor_batches')
    .selectAll()
    .where('chain_id', '=', chainId)
    .where('registry', '=', registry)
    .where('status', '=', 'confirmed')
    .orderBy((eb) => eb.fn.coalesce('checked_at', eb.val(0)))
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** A confirmed batch still holds on chain, not yet final: noted, so the others are checked first next time. */
export async function recordChecked(db: Executor, batchId: number, now = Date.now()): Promise<boolean> {
  const r = await db
    .updateTable('anchor_batches')
    .set({ checked_at: now })
    .where('id', '=', batchId)
    .where('status', '=', 'confirmed')
    .executeTakeFirst();
  return won(r);
}

/** Deep enough (or under the chain's finalized block): no longer re-checked. Only from confirmed. */
export async function recordFinal(db: Executor, batchId: number, now = Date.now()): Promise<boolean> {
  const r = await db
    .updateTable('anchor_batches')
    .set({ status: 'final', checked_at: now, final_at: now })
    .where('id', '=', batchId)
    .where('status', '=', 'confirmed')
    .executeTakeFirst();
  return won(r);
}

/** The chain lost the anchor (reorg, or a dev node restarted from older state): send it again. */
export async function resetToBuilt(
  db: Executor,
  batchId: number,
  expected: BatchStatus,
  reason: string,
): Promise<boolean> {
  const r = await db
    .updateTable('anchor_batches')
    .set((eb) => ({
      status: 'built',
      nonce: null,
      tx_hash: null,
      block_number: null,
      block_hash: null,
      anchored_at: null,
      confirmed_at: null,
      checked_at: null,
      final_at: null,
      last_error: reason,
      error_code: 'REANCHOR',
      reanchor_count: eb('reanchor_count', '+', 1),
    }))
    .where('id', '=', batchId)
    .where('status', '=', expected)
    .executeTakeFirst();
  if (!won(r)) return false;
  await db.updateTable('anchor_leaves').set({ status: 'batched' }).where('batch_id', '=', batchId).execute();
  return true;
}

/** A transient failure: note it and try again at `nextAttemptAt`. The batch keeps its state. */
export async function recordRetry(
  db: Executor,
  batchId: number,
  expected: BatchStatus,
  code: string,
  message: string,
  nextAttemptAt: number,
): Promise<boolean> {
  const r = await db
    .updateTable('anchor_batches')
    .set((eb) => ({
      // Counted in SQL: two writers never read the same count and both write count + 1.
      attempts: eb('attempts', '+', 1),
      next_attempt_at: nextAttemptAt,
      error_code: code,
      last_error: message,
    }))
    .where('id', '=', batchId)
    .where('status', '=', expected)
    .executeTakeFirst();
  return won(r);
}

/** A permanent failure (the contract rejected the batch): visible, never shown as anchored. */
export async function recordFailed(
  db: Executor,
  batchId: number,
  expected: BatchStatus,
  code: string,
  message: string,
): Promise<boolean> {
  const r = await db
    .updateTable('anchor_batches')
    .set({ status: 'failed', error_code: code, last_error: message })
    .where('id', '=', batchId)
    .where('status', '=', expected)
    .executeTakeFirst();
  return won(r);
}

/** Puts failed batches' leaves back in the queue (an operator's decision after fixing the cause). */
export async function requeueFailed(db: Executor): Promise<number> {
  const failed = await db.selectFrom('anchor_batches').select('id').where('status', '=', 'failed').execute();
  for (const { id } of failed) {
    await db
      .updateTable('anchor_leaves')
      .set({ status: 'queued', batch_id: null })
      .where('batch_id', '=', id)
      .execute();
    await db.deleteFrom('anchor_txs').where('batch_id', '=', id).execute();
    await db.deleteFrom('anchor_batches').where('id', '=', id).execute();
  }
  return failed.length;
}

export interface LeafAnchor {
  readonly leaf: Hex;
  readonly status: 'queued' | 'batched' | 'anchored';
  readonly batch?: BatchRow;
}

/** Where a leaf stands: queued, in a batch on its way, or anchored (with the batch to build its receipt from). */
export async function leafAnchor(db: Executor, leaf: Hex): Promise<LeafAnchor | undefined> {
  const row = await db
    .selectFrom('anchor_leaves')
    .selectAll()
    .where('leaf', '=', lower(leaf))
    .executeTakeFirst();
  if (!row) return undefined;
  const batch = row.batch_id === null ? undefined : await batchById(db, row.batch_id);
  return { leaf: row.leaf as Hex, status: row.status, ...(batch ? { batch } : {}) };
}

/** Status of many leaves at once (chunked IN lists), with their batch's status. */
export async function leafStatuses(
  db: Executor,
  leaves: readonly Hex[],
): Promise<{ leaf: Hex; status: 'queued' | 'batched' | 'anchored'; batchStatus: BatchStatus | null }[]> {
  const out: { leaf: Hex; status: 'queued' | 'batched' | 'anchored'; batchStatus: BatchStatus | null }[] = [];
  for (const part of chunks(leaves.map(lower))) {
    const rows = await db
      .selectFrom('anchor_leaves')
      .leftJoin('anchor_batches', 'anchor_batches.id', 'anchor_leaves.batch_id')
      .select(['anchor_leaves.leaf', 'anchor_leaves.status', 'anchor_batches.status as batchStatus'])
      .where('anchor_leaves.leaf', 'in', part)
      .execute();
    out.push(...rows.map((r) => ({ leaf: r.leaf as Hex, status: r.status, batchStatus: r.batchStatus })));
  }
  return out;
}

export interface QueueStats {
  /** Batches sent again because the chain lost them (all time). */
  readonly reanchored: number;
  readonly queued: number;
  readonly inFlight: number;
  readonly anchored: number;
  readonly failedBatches: number;
  readonly oldestQueuedAt: number | null;
}

export async function queueStats(db: Executor): Promise<QueueStats> {
  const leaves = await db
    .selectFrom('anchor_leaves')
    .select(['status'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy('status')
    .execute();
  const count = (s: string) => Number(leaves.find((r) => r.status === s)?.n ?? 0);
  const failed = await db
    .selectFrom('anchor_batches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'failed')
    .executeTakeFirst();
  const oldest = await db
    .selectFrom('anchor_leaves')
    .select((eb) => eb.fn.min('queued_at').as('t'))
    .where('status', '=', 'queued')
    .executeTakeFirst();
  const re = await db
    .selectFrom('anchor_batches')
    .select((eb) => eb.fn.sum<number>('reanchor_count').as('n'))
    .executeTakeFirst();
  return {
    reanchored: Number(re?.n ?? 0),
    queued: count('queued'),
    inFlight: count('batched'),
    anchored: count('anchored'),
    failedBatches: Number(failed?.n ?? 0),
    oldestQueuedAt: oldest?.t === null || oldest?.t === undefined ? null : Number(oldest.t),
  };
}
