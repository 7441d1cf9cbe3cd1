import { randomBytes } from 'node:crypto';
import type { Address, Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderElection } from '../../src/anchoring/leader/LeaderElection.js';
import { toHex } from '../../src/core/hash/hex.js';
import { isMedproofError } from '../../src/core/errors/MedproofError.js';
import { createLogger } from '../../src/log/createLogger.js';
import {
  batchById,
  enqueueLeaves,
  insertBatch,
  recordRetry,
  recordSigned,
} from '../../src/store/anchorQueue/anchorQueue.js';
import type { Db } from '../../src/store/db/Db.js';
import { openDatabase } from '../../src/store/db/openDatabase.js';
import {
  assertLeaseHeld,
  claimLease,
  leaseState,
  releaseLease,
  type LeaseToken,
} from '../../src/store/lease/writerLease.js';
import { createPgDatabase } from '../helpers/databases.js';

const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address;
const rand = () => toHex(randomBytes(32));
const LEASE = 'writers';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const leaseLost = (error: unknown) => isMedproofError(error, 'LEASE_LOST');

/** Expires a lease now, as a leader's silence past its ttl would (the database's clock decides). */
async function expire(db: Db): Promise<void> {
  await db.kysely.updateTable('writer_leases').set({ expires_at: 0 }).where('name', '=', LEASE).execute();
}

// Two replicas, each with its own pool, as two processes would have.
describe('the writer lease on PostgreSQL fences a writer that lost it', () => {
  let a: Db;
  let b: Db;
  let drop: () => Promise<void>;
  let tokenA: LeaseToken | undefined;
  let tokenB: LeaseToken | undefined;
  const guardedA = () => a.guarded!((conn) => assertLeaseHeld(conn, tokenA));
  const guardedB = () => b.guarded!((conn) => assertLeaseHeld(conn, tokenB));

  beforeAll(async () => {
    const pgdb = await createPgDatabase();
    a = await openDatabase(pgdb.url);
    b = await openDatabase(pgdb.url);
    drop = async () => (await a.close(), await b.close(), await pgdb.drop());
  });
  afterAll(() => drop());

  async function newBatch(): Promise<number> {
    const leaves: Hex[] = [rand(), rand()];
    await enqueueLeaves(a.kysely, leaves);
    return a.kysely
      .transaction()
      .execute((trx) => insertBatch(trx, { root: rand(), leaves, chainId: 31337, registry: REGISTRY }));
  }

  it('one holder at a time: a live lease is renewed at its epoch and refused to others; expiry hands it over with a new epoch', async () => {
    tokenA = await claimLease(a.kysely, LEASE, 'replica-a', 60_000);
    expect(tokenA).toMatchObject({ holder: 'replica-a', epoch: 1 });
    expect(await claimLease(b.kysely, LEASE, 'replica-b', 60_000)).toBeUndefined();
    expect(await claimLease(a.kysely, LEASE, 'replica-a', 60_000, tokenA!.epoch)).toEqual(tokenA);
    // The same name without the token (a restarted process reusing its id) does not get it back either.
    expect(await claimLease(a.kysely, LEASE, 'replica-a', 60_000)).toBeUndefined();

    await expire(a);
    tokenB = await claimLease(b.kysely, LEASE, 'replica-b', 60_000);
    expect(tokenB).toMatchObject({ holder: 'replica-b', epoch: 2 });
    // The old holder cannot renew at its old epoch.
    expect(await claimLease(a.kysely, LEASE, 'replica-a', 60_000, tokenA!.epoch)).toBeUndefined();
    expect(await leaseState(a.kysely, LEASE)).toMatchObject({
      holder: 'replica-b',
      epoch: 2,
      expired: false,
    });
  });

  it("the deposed writer's state transitions are refused, in a transaction or alone, and change nothing", async () => {
    const batchId = await newBatch();
    const tx = { hash: rand(), raw: rand(), nonce: 3, fee: 1n, tip: 1n };
    await expect(
      guardedA()
        .kysely.transaction()
        .execute((trx) => recordSigned(trx, batchId, 'built', tx)),
    ).rejects.toSatisfy(leaseLost);
    await expect(
      recordRetry(guardedA().kysely, batchId, 'built', 'CHAIN_UNREACHABLE', 'down', Date.now()),
    ).rejects.toSatisfy(leaseLost);
    expect(await batchById(a.kysely, batchId)).toMatchObject({ status: 'built', attempts: 0, tx_hash: null });
    expect(await a.kysely.selectFrom('anchor_txs').selectAll().execute()).toEqual([]);

    // The holder's own writes go through, and its reads were never refused.
    expect(
      await guardedB()
        .kysely.transaction()
        .execute((trx) => recordSigned(trx, batchId, 'built', tx)),
    ).toBe(true);
    expect(await batchById(guardedA().kysely, batchId)).toMatchObject({ status: 'sent' });
  });

  it("a takeover waits for the holder's transaction in progress, and that holder's next one is refused", async () => {
    const batchId = await newBatch();
    // B's lease is short: it runs out while B's step is under way (a long pause), and A tries to take over.
    tokenB = await claimLease(b.kysely, LEASE, 'replica-b', 200, tokenB!.epoch);
    const order: string[] = [];
    let takeover: Promise<LeaseToken | undefined> | undefined;
    await guardedB()
      .kysely.transaction()
      .execute(async (trx) => {
        await sleep(400);
        expect(await leaseState(a.kysely, LEASE)).toMatchObject({ holder: 'replica-b', expired: true });
        takeover = claimLease(a.kysely, LEASE, 'replica-a', 60_000).then((t) => (order.push('takeover'), t));
        await sleep(300);
        await recordRetry(trx, batchId, 'built', 'CHAIN_UNREACHABLE', 'down', Date.now());
        order.push('commit');
      });
    tokenA = await takeover;
    // The takeover waited for B's commit (B's fencing check holds the lease row), so it came strictly after.
    expect(order).toEqual(['commit', 'takeover']);
    expect(tokenA).toMatchObject({ holder: 'replica-a', epoch: 3 });
    expect(await batchById(a.kysely, batchId)).toMatchObject({ attempts: 1 });
    await expect(
      recordRetry(guardedB().kysely, batchId, 'built', 'CHAIN_UNREACHABLE', 'down', Date.now()),
    ).rejects.toSatisfy(leaseLost);
    expect(await batchById(a.kysely, batchId)).toMatchObject({ attempts: 1 });
  });

  it('a holder frozen inside a transaction does not block a takeover: the server ends its transaction', async () => {
    const batchId = await newBatch();
    await expire(a);
    tokenB = await claimLease(b.kysely, LEASE, 'replica-b', 200);
    const order: string[] = [];
    const frozenB = b.guarded!((conn) => assertLeaseHeld(conn, tokenB, 300));
    const frozen = frozenB.kysely
      .transaction()
      .execute(async (trx) => {
        await recordRetry(trx, batchId, 'built', 'CHAIN_UNREACHABLE', 'down', Date.now());
        // Frozen (no statement sent) well past the lease and the idle limit.
        await sleep(1500);
        order.push('frozen holder resumes');
        await recordRetry(trx, batchId, 'built', 'CHAIN_UNREACHABLE', 'down', Date.now());
      })
      .then(
        () => 'committed',
        () => 'failed',
      );
    await sleep(400);
    tokenA = await claimLease(a.kysely, LEASE, 'replica-a', 60_000);
    order.push('takeover');
    expect(tokenA).toMatchObject({ holder: 'replica-a' });
    expect(await frozen).toBe('failed');
    expect(order).toEqual(['takeover', 'frozen holder resumes']);
    // Neither of the frozen transaction's writes committed.
    expect(await batchById(a.kysely, batchId)).toMatchObject({ attempts: 0 });
  });

  it('a released lease is taken at once by the next claimer, with a new epoch', async () => {
    expect(await releaseLease(a.kysely, tokenA!)).toBe(true);
    tokenB = await claimLease(b.kysely, LEASE, 'replica-b', 60_000);
    expect(tokenB).toMatchObject({ holder: 'replica-b', epoch: tokenA!.epoch + 1 });
    await releaseLease(b.kysely, tokenB!);
  });

  it("two elections: one leads; when it stops, the other leads and the first one's guard refuses", async () => {
    const log = createLogger('silent');
    const events: string[] = [];
    const election = (db: Db, holder: string) =>
      new LeaderElection({
        db,
        name: 'elect',
        holder,
        ttlMs: 1_000,
        log,
        onElected: () => (events.push(`${holder} elected`), Promise.resolve()),
        onDeposed: () => (events.push(`${holder} deposed`), Promise.resolve()),
      });
    const first = election(a, 'first');
    const second = election(b, 'second');
    await first.start();
    await second.start();
    expect([first.leading, second.leading]).toEqual([true, false]);
    const stale = a.guarded!(first.guard);
    await first.stop();
    expect(events).toEqual(['first elected', 'first deposed']);
    // The follower polls every ttl/5: bounded wait for it to take over.
    for (let i = 0; i < 100 && !second.leading; i++) await sleep(50);
    expect(second.leading).toBe(true);
    expect(events).toEqual(['first elected', 'first deposed', 'second elected']);
    await expect(
      stale.kysely.insertInto('deployment_facts').values({ name: 'x', value: 'y', recorded_at: 0 }).execute(),
    ).rejects.toSatisfy(leaseLost);
    await b.guarded!(second.guard)
      .kysely.insertInto('deployment_facts')
      .values({ name: 'x', value: 'y', recorded_at: 0 })
      .execute();
    await second.stop();
  });
});
