import type { Selectable } from 'kysely';
import type { Address, Hex } from 'viem';
import type { LeafFields } from '../../core/index.js';
import type { SignedTx } from '../anchorQueue/anchorQueue.js';
import type { Executor } from '../db/Db.js';
import type { ChainOpsTable } from '../db/schema.js';

/**
 * A registry change the portal asked for: carried out by the chain-operations worker with the admin key.
 * Operations say what should be so, not which contract call: the worker maps them to the registry's
 * version (v1: grantRole, revoke(leaf, reason); v2: enrollIssuer, retireIssuer, markCompromised,
 * revoke with the leaf's fields and its Merkle proof, found once the leaf is anchored).
 */
export type ChainOp =
  /** Written by older versions only (v1's ISSUER_ROLE); still carried out. */
  | { kind: 'grant_issuer'; address: Address }
  /** A new term for the doctor: `profile` is the salted commitment to their public profile. */
  | { kind: 'enroll_issuer'; address: Address; profile: Hex }
  /** Ends the doctor's open term and starts one with a new profile (a passkey added or removed); on v1 nothing to do. */
  | { kind: 'renew_issuer'; address: Address; profile: Hex }
  /** Ends the doctor's open term (disabled account); on v1 nothing to do. */
  | { kind: 'retire_issuer'; address: Address }
  /** The doctor's key is compromised from `from` (unix seconds). */
  | { kind: 'mark_compromised'; address: Address; from: number }
  | {
      kind: 'revoke_leaf';
      leaf: Hex;
      reason: number;
      /** The replacing document's leaf, when `reason` is superseded. */
      supersededBy?: Hex;
      /** The leaf's fields (v2 recomputes the leaf from them); absent in rows from older versions. */
      fields?: LeafFields;
    };

export type ChainOpRow = Selectable<ChainOpsTable>;
export type ChainOpStatus = ChainOpsTable['status'];

/** Queues a registry change in the caller's transaction (outbox): it commits with the change it serves. */
export async function enqueueChainOp(executor: Executor, op: ChainOp, now = Date.now()): Promise<void> {
  const { kind, ...payload } = op;
  await executor
    .insertInto('chain_ops')
    .values({
      kind,
      payload: JSON.stringify(payload),
      status: 'pending',
      attempts: 0,
      next_attempt_at: 0,
      last_error: null,
      tx_hash: null,
      created_at: now,
      done_at: null,
      raw_tx: null,
      nonce: null,
      sent_at: null,
    })
    .execute();
}

/** The operation to work on: the oldest pending or sent one (one at a time, in order). */
export function nextChainOp(db: Executor): Promise<ChainOpRow | undefined> {
  return db
    .selectFrom('chain_ops')
    .selectAll()
    .where('status', 'in', ['pending', 'sent'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/**
 * The issuers (lower-case addresses) whose enrolment is still on its way: pending or sent, not mined.
 * Registry v2 judges a leaf's issuer by the terms on chain when its batch is anchored, so their
 * documents' leaves wait for it (see queuedLeaves) rather than read UNKNOWN_ISSUER for good.
 */
export async function issuersBeingEnrolled(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('chain_ops')
    .select('payload')
    .where('kind', 'in', ['enroll_issuer', 'renew_issuer'])
    .where('status', 'in', ['pending', 'sent'])
    .execute();
  const addresses = rows.map((r) => (JSON.parse(r.payload) as { address: string }).address.toLowerCase());
  return [...new Set(addresses)];
}

// Every transition names the state it expects (`WHERE id = ? AND status = expected`) and says whether it won.
const won = (r: { numUpdatedRows: bigint } | undefined) => (r?.numUpdatedRows ?? 0n) > 0n;

/** Stores the signed transaction before it leaves this process: after a crash the same bytes go out again. */
export async function recordOpSigned(
  db: Executor,
  id: number,
  tx: SignedTx,
  now = Date.now(),
): Promise<boolean> {
  const r = await db
    .updateTable('chain_ops')
    .set({
      status: 'sent',
      raw_tx: tx.raw,
      tx_hash: tx.hash.toLowerCase(),
      nonce: tx.nonce,
      sent_at: now,
      last_error: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return won(r);
}

/** The change is on chain: by our transaction (`txHash`), or already before we sent one (null). */
export async function recordOpDone(
  db: Executor,
  id: number,
  expected: 'pending' | 'sent',
  txHash: Hex | null,
  now = Date.now(),
): Promise<boolean> {
  const r = await db
    .updateTable('chain_ops')
    .set({
      status: 'done',
      tx_hash: txHash === null ? null : txHash.toLowerCase(),
      done_at: now,
      last_error: null,
    })
    .where('id', '=', id)
    .where('status', '=', expected)
    .executeTakeFirst();
  return won(r);
}

/** Back to pending, forgetting the signed transaction: its nonce went to another, or the chain lost it. */
export async function resetOpToPending(
  db: Executor,
  id: number,
  expected: 'sent' | 'done',
  reason: string,
): Promise<boolean> {
  const r = await db
    .updateTable('chain_ops')
    .set({
      status: 'pending',
      raw_tx: null,
      tx_hash: null,
      nonce: null,
      sent_at: null,
      done_at: null,
      next_attempt_at: 0,
      last_error: reason,
    })
    .where('id', '=', id)
    .where('status', '=', expected)
    .executeTakeFirst();
  return won(r);
}

/** A transient failure: try again at `nextAttemptAt`, attempts counted in SQL. The state is kept. */
export async function recordOpRetry(
  db: Executor,
  id: number,
  expected: ChainOpStatus,
  message: string,
  nextAttemptAt: number,
): Promise<boolean> {
  const r = await db
    .updateTable('chain_ops')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: nextAttemptAt, last_error: message }))
    .where('id', '=', id)
    .where('status', '=', expected)
    .executeTakeFirst();
  return won(r);
}

/** The registry rejected the change: visible, never retried on its own. */
export async function recordOpFailed(
  db: Executor,
  id: number,
  expected: 'pending' | 'sent',
  message: string,
): Promise<boolean> {
  const r = await db
    .updateTable('chain_ops')
    .set({ status: 'failed', last_error: message })
    .where('id', '=', id)
    .where('status', '=', expected)
    .executeTakeFirst();
  return won(r);
}

/** Applied operations that have a transaction, newest first (for start-up reconciliation). */
export function appliedChainOps(db: Executor): Promise<{ id: number; tx_hash: string | null }[]> {
  return db
    .selectFrom('chain_ops')
    .select(['id', 'tx_hash'])
    .where('status', '=', 'done')
    .where('tx_hash', 'is not', null)
    .orderBy('id', 'desc')
    .execute();
}

/** How many operations are in each state. */
export async function chainOpCounts(db: Executor): Promise<Record<ChainOpStatus, number>> {
  const rows = await db
    .selectFrom('chain_ops')
    .select(['status'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy('status')
    .execute();
  const n = (s: ChainOpStatus) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { pending: n('pending'), sent: n('sent'), done: n('done'), failed: n('failed') };
}
