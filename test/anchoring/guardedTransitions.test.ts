import { randomBytes } from 'node:crypto';
import type { Address, Hex } from 'viem';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anchorPointOf } from '../../src/anchoring/anchorPointOf.js';
import { toHex } from '../../src/core/hash/hex.js';
import {
  batchById,
  enqueueLeaves,
  insertBatch,
  recordAnchorTx,
  recordConfirmed,
  recordMined,
  recordRetry,
  recordSigned,
  resetToBuilt,
  type SignedTx,
} from '../../src/store/anchorQueue/anchorQueue.js';
import type { Db } from '../../src/store/db/Db.js';
import { openDatabase } from '../../src/store/db/openDatabase.js';
import { testDatabase, type DbKind } from '../helpers/databases.js';

const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address;
const rand = () => toHex(randomBytes(32));
const signed = (nonce: number): SignedTx => ({ hash: rand(), raw: rand(), nonce, fee: 1n, tip: 1n });

// Two engine instances over one database: on PostgreSQL each with its own connection pool, as two
// processes would have. SQLite has one writer per file (one process): there both share its connection.
describe.each<DbKind>(['postgres', 'sqlite'])(
  'batch transitions on %s name the state they expect',
  (kind) => {
    let a: Db;
    let b: Db;
    let cleanup: () => Promise<void>;
    let batchId: number;

    beforeEach(async () => {
      const t = await testDatabase(kind);
      a = t.db;
      b = kind === 'postgres' ? await openDatabase(t.url) : a;
      cleanup = async () => (b !== a && (await b.close()), await t.cleanup());
      const leaves: Hex[] = [rand(), rand()];
      await enqueueLeaves(a.kysely, leaves);
      batchId = await a.kysely
        .transaction()
        .execute((trx) => insertBatch(trx, { root: rand(), leaves, chainId: 31337, registry: REGISTRY }));
    });
    afterEach(() => cleanup());

    it('two instances racing to send one built batch: exactly one wins, and only its transaction is stored', async () => {
      const [txA, txB] = [signed(7), signed(7)];
      const results = await Promise.all([
        a.kysely.transaction().execute((trx) => recordSigned(trx, batchId, 'built', txA)),
        b.kysely.transaction().execute((trx) => recordSigned(trx, batchId, 'built', txB)),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? txA : txB;
      const row = await batchById(a.kysely, batchId);
      expect(row).toMatchObject({ status: 'sent', tx_hash: winner.hash.toLowerCase() });
      const txs = await a.kysely.selectFrom('anchor_txs').select('tx_hash').execute();
      expect(txs.map((t) => t.tx_hash)).toEqual([winner.hash.toLowerCase()]);
    });

    it('a step that read a state another instance has left does nothing', async () => {
      expect(await recordSigned(a.kysely, batchId, 'built', signed(1))).toBe(true);
      // The second instance still thinks the batch is built.
      expect(await recordSigned(b.kysely, batchId, 'built', signed(1))).toBe(false);
      expect(await resetToBuilt(b.kysely, batchId, 'mined', 'stale')).toBe(false);
      expect(await recordRetry(b.kysely, batchId, 'built', 'CHAIN_UNREACHABLE', 'down', 0)).toBe(false);
      expect((await batchById(a.kysely, batchId))?.status).toBe('sent');
      expect(await resetToBuilt(b.kysely, batchId, 'sent', 'lost')).toBe(true);
      expect(await resetToBuilt(a.kysely, batchId, 'sent', 'lost')).toBe(false);
      expect((await batchById(a.kysely, batchId))?.reanchor_count).toBe(1);
    });

    it('never confirms a batch without its transaction: an adopted anchor stays mined, and pending, until it is found', async () => {
      const mined = { txHash: null, blockNumber: 5, blockHash: null, anchoredAt: 1_764_000_000 };
      expect(await recordMined(a.kysely, batchId, 'built', mined)).toBe(true);
      expect(await recordConfirmed(a.kysely, batchId)).toBe(false);
      const [leaf] = JSON.parse((await batchById(a.kysely, batchId))!.leaves) as Hex[];
      expect((await anchorPointOf(a.kysely, leaf!))?.state).toBe('pending');
      const tx = rand();
      expect(await recordAnchorTx(a.kysely, batchId, tx)).toBe(true);
      expect(await recordAnchorTx(b.kysely, batchId, rand())).toBe(false);
      expect(await recordConfirmed(a.kysely, batchId)).toBe(true);
      expect((await anchorPointOf(a.kysely, leaf!))?.point?.txHash).toBe(tx.toLowerCase());
    });

    it('counts retries in SQL: concurrent retries of one batch both count', async () => {
      const results = await Promise.all([
        recordRetry(a.kysely, batchId, 'built', 'CHAIN_UNREACHABLE', 'down', 1),
        recordRetry(b.kysely, batchId, 'built', 'CHAIN_UNREACHABLE', 'down', 2),
      ]);
      expect(results).toEqual([true, true]);
      expect((await batchById(a.kysely, batchId))?.attempts).toBe(2);
    });
  },
);
