import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { parseEventLogs, parseEther, toHex, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnchorEngine } from '../../src/anchoring/AnchorEngine.js';
import { ROLE_IDS } from '../../src/chain/registry/roles.js';
import { registryReader } from '../../src/chain/registry/registryReader.js';
import { sendRegistryTx } from '../../src/chain/registry/sendRegistryTx.js';
import { registryAbi } from '../../src/chain/registryAbi.js';
import { leafValues } from '../../src/core/leaf/computeLeaf.js';
import { LEAF_TYPES } from '../../src/core/leaf/LeafFields.js';
import { batchesIn, enqueueLeaves, txsOf } from '../../src/store/anchorQueue/anchorQueue.js';
import type { Db } from '../../src/store/db/Db.js';
import { devRpc, startTestChain, type NodeKind, type TestChain } from '../helpers/chains.js';
import { testDatabase, type DbKind } from '../helpers/databases.js';
import { eventually, makeDocs, makeEngine, receiptFor, verifyOnChain } from '../helpers/engines.js';

// The whole suite on both embedded nodes; on anvil also on PostgreSQL (ganache is the slow one).
const MATRIX: [NodeKind, DbKind][] = [
  ['anvil', 'sqlite'],
  ['anvil', 'postgres'],
  ['ganache', 'sqlite'],
];

describe.each(MATRIX)('anchoring engine on %s with %s', (kind, dbKind) => {
  let chain: TestChain;
  let db: Db;
  let cleanupDb: () => Promise<void>;
  const engines: AnchorEngine[] = [];
  const engine = (
    ...args: Parameters<typeof makeEngine> extends [unknown, unknown, ...infer R] ? R : never
  ) => {
    const e = makeEngine(db, chain, ...args);
    engines.push(e);
    return e;
  };

  beforeAll(async () => {
    chain = await startTestChain(kind);
  });
  afterAll(() => chain?.destroy());
  beforeEach(async () => {
    const t = await testDatabase(dbKind);
    db = t.db;
    cleanupDb = () => t.cleanup();
  });
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.stop()));
    await devRpc.setAutomine(chain.conn, kind, true).catch(() => undefined);
    await cleanupDb();
  });

  const anchoredEvents = async (root: Hex) => {
    const logs = await chain.conn.client.getLogs({
      address: chain.registry,
      fromBlock: 0n,
      toBlock: 'latest',
    });
    return parseEventLogs({ abi: registryAbi, logs, eventName: 'Anchored' }).filter(
      (l) => l.args.root === root,
    );
  };

  it('anchors 30 concurrent documents one per transaction, at consecutive nonces, each verifying on chain', async () => {
    const e = engine({ batchMax: 1 });
    await e.start();
    const docs = makeDocs(30, chain.admin.address);
    await Promise.all(docs.map((d) => enqueueLeaves(db.kysely, [d.leaf])));
    e.kick();
    await e.whenAnchored(docs.map((d) => d.leaf));
    const batches = await batchesIn(db.kysely, chain.conn.chainId, chain.registry, ['confirmed', 'final']);
    expect(batches).toHaveLength(30);
    const nonces = batches.map((b) => b.nonce!).sort((a, b) => a - b);
    expect(nonces).toEqual(nonces.map((_, i) => nonces[0]! + i));
    for (const doc of docs) {
      const receipt = await receiptFor(db, doc);
      expect(receipt.proof).toEqual([]);
      expect((await verifyOnChain(chain.conn.rpcUrl, doc, receipt, chain.registry)).verdict).toBe('VALID');
    }
  });

  it('batches by size and by wait, with proofs that verify on chain and with OpenZeppelin’s library', async () => {
    const e = engine({ batchMax: 16, batchWaitMs: 300 });
    const docs = makeDocs(100, chain.admin.address);
    await enqueueLeaves(
      db.kysely,
      docs.map((d) => d.leaf),
    );
    await e.start();
    await e.whenAnchored(docs.map((d) => d.leaf));
    const sizes = (
      await batchesIn(db.kysely, chain.conn.chainId, chain.registry, ['confirmed', 'final'])
    ).map((b) => b.leaf_count);
    expect(sizes).toEqual([16, 16, 16, 16, 16, 16, 4]);
    for (const doc of docs) {
      const receipt = await receiptFor(db, doc);
      expect(
        StandardMerkleTree.verify(receipt.root, [...LEAF_TYPES], leafValues(doc.fields), receipt.proof),
      ).toBe(true);
      if (docs.indexOf(doc) % 10 === 0)
        expect((await verifyOnChain(chain.conn.rpcUrl, doc, receipt, chain.registry)).verdict).toBe('VALID');
    }
  });

  it('keeps documents pending while the node is down and anchors them once it is back', async () => {
    const e = engine({ batchMax: 8 });
    await e.start();
    await chain.close();
    const docs = makeDocs(5, chain.admin.address);
    await enqueueLeaves(
      db.kysely,
      docs.map((d) => d.leaf),
    );
    e.kick();
    const status = await eventually(
      async () => {
        const s = await e.status();
        return s.lastError?.code === 'CHAIN_UNREACHABLE' && s;
      },
      20_000,
      'CHAIN_UNREACHABLE',
    );
    expect(status.queue.anchored).toBe(0);
    expect(status.queue.queued + status.queue.inFlight).toBe(5);
    chain = await chain.reopen();
    await e.whenAnchored(
      docs.map((d) => d.leaf),
      30_000,
    );
    for (const doc of docs)
      expect(
        (await verifyOnChain(chain.conn.rpcUrl, doc, await receiptFor(db, doc), chain.registry)).verdict,
      ).toBe('VALID');
  });

  it('after a crash between send and receipt, re-sends the stored transaction instead of anchoring twice', async () => {
    await devRpc.setAutomine(chain.conn, kind, false);
    const first = engine();
    await first.start();
    const [doc] = makeDocs(1, chain.admin.address);
    await enqueueLeaves(db.kysely, [doc!.leaf]);
    first.kick();
    const [sent] = await eventually(
      async () => {
        const b = await batchesIn(db.kysely, chain.conn.chainId, chain.registry, ['sent']);
        return b.length > 0 && b;
      },
      10_000,
      'a sent batch',
    );
    await first.stop();
    const [stored] = await txsOf(db.kysely, sent!.id);
    if (kind === 'anvil') {
      // The node forgets the transaction too: only our stored bytes can bring it back.
      await chain.conn.client.request({
        method: 'anvil_dropTransaction' as never,
        params: [stored!.tx_hash] as never,
      });
    }
    const second = engine();
    await second.start();
    const known = () =>
      chain.conn.client.getTransaction({ hash: stored!.tx_hash as Hex }).then(Boolean, () => false);
    await eventually(known, 10_000, 'the stored transaction back in the node’s pool');
    await devRpc.setAutomine(chain.conn, kind, true);
    await devRpc.mine(chain.conn);
    await second.whenAnchored([doc!.leaf]);
    const txs = await txsOf(db.kysely, sent!.id);
    expect(txs.map((t) => t.tx_hash)).toEqual([stored!.tx_hash]);
    const receipt = await receiptFor(db, doc!);
    expect(receipt.txHash).toBe(stored!.tx_hash);
    expect(await anchoredEvents(receipt.root)).toHaveLength(1);
  });

  it('fails a batch visibly, with the decoded reason, when its transaction reverts', async () => {
    await devRpc.setAutomine(chain.conn, kind, false);
    const e = engine();
    await e.start();
    const [doc] = makeDocs(1, chain.admin.address);
    await enqueueLeaves(db.kysely, [doc!.leaf]);
    e.kick();
    await eventually(
      async () => (await batchesIn(db.kysely, chain.conn.chainId, chain.registry, ['sent'])).length > 0,
      10_000,
      'sent',
    );
    // The admin takes the anchorer's role away in the same block, ahead of the anchor (higher tip).
    const wallet = chain.conn.walletFor(chain.admin);
    await wallet.writeContract({
      address: chain.registry,
      abi: registryAbi,
      functionName: 'revokeRole',
      args: [ROLE_IDS.anchorer, chain.anchorer.address],
      maxPriorityFeePerGas: parseEther('0.0001'),
      maxFeePerGas: parseEther('0.001'),
      gas: 100_000n,
    });
    await devRpc.mine(chain.conn);
    await devRpc.setAutomine(chain.conn, kind, true);
    try {
      const [failed] = await eventually(
        async () => {
          const b = await batchesIn(db.kysely, chain.conn.chainId, chain.registry, ['failed']);
          return b.length > 0 && b;
        },
        15_000,
        'a failed batch',
      );
      expect(failed!.error_code).toBe('ANCHOR_REVERTED');
      expect(failed!.last_error).toContain('UnauthorizedAccount');
      expect((await e.status()).queue.failedBatches).toBe(1);
      expect(
        (await registryReader(chain.conn.client).rootInfo(chain.registry, failed!.root as Hex)).anchoredAt,
      ).toBe(0);
    } finally {
      await sendRegistryTx(chain.conn, chain.admin, chain.registry, 'grantRole', [
        ROLE_IDS.anchorer,
        chain.anchorer.address,
      ]);
    }
  });

  it('replaces a transaction pending too long at the same nonce with a higher fee, and anchors once', async () => {
    await devRpc.setAutomine(chain.conn, kind, false);
    const e = engine({ replaceAfterMs: 1000 });
    await e.start();
    const [doc] = makeDocs(1, chain.admin.address);
    await enqueueLeaves(db.kysely, [doc!.leaf]);
    e.kick();
    const batch = await eventually(
      async () => (await batchesIn(db.kysely, chain.conn.chainId, chain.registry, ['sent']))[0],
      10_000,
      'sent',
    );
    const txs = await eventually(
      async () => {
        const t = await txsOf(db.kysely, batch.id);
        return t.length >= 2 && t;
      },
      15_000,
      'a replacement',
    );
    const [replacement, original] = txs;
    expect(replacement!.nonce).toBe(original!.nonce);
    expect(BigInt(replacement!.fee)).toBeGreaterThan(BigInt(original!.fee));
    await devRpc.setAutomine(chain.conn, kind, true);
    await devRpc.mine(chain.conn);
    await e.whenAnchored([doc!.leaf]);
    const receipt = await receiptFor(db, doc!);
    expect(txs.map((t) => t.tx_hash)).toContain(receipt.txHash);
    expect(await anchoredEvents(receipt.root)).toHaveLength(1);
  });

  it('re-anchors, with the same root, batches the chain lost, so receipts handed out verify again', async () => {
    const snapshot = await devRpc.snapshot(chain.conn);
    const first = engine({ batchMax: 4 });
    await first.start();
    const docs = makeDocs(8, chain.admin.address);
    await enqueueLeaves(
      db.kysely,
      docs.map((d) => d.leaf),
    );
    first.kick();
    await first.whenAnchored(docs.map((d) => d.leaf));
    const handedOut = await Promise.all(docs.map((d) => receiptFor(db, d)));
    await first.stop();
    await devRpc.revert(chain.conn, snapshot);
    expect((await verifyOnChain(chain.conn.rpcUrl, docs[0]!, handedOut[0]!, chain.registry)).verdict).toBe(
      'NOT_ANCHORED',
    );
    const second = engine({ batchMax: 4 });
    await second.start();
    await second.whenAnchored(docs.map((d) => d.leaf));
    for (const [i, doc] of docs.entries()) {
      expect((await verifyOnChain(chain.conn.rpcUrl, doc, handedOut[i]!, chain.registry)).verdict).toBe(
        'VALID',
      );
      expect((await receiptFor(db, doc)).root).toBe(handedOut[i]!.root);
    }
  });

  it('stops anchoring with CHAIN_MISMATCH when the registry is not on this chain', async () => {
    const e = makeEngine(db, { ...chain, registry: privateKeyToAccount(generatePrivateKey()).address });
    engines.push(e);
    await e.start();
    await enqueueLeaves(
      db.kysely,
      makeDocs(2, chain.admin.address).map((d) => d.leaf),
    );
    e.kick();
    await new Promise((r) => setTimeout(r, 300));
    const s = await e.status();
    expect(s.paused?.code).toBe('CHAIN_MISMATCH');
    expect(s.queue.queued).toBe(2);
  });

  it('waits with INSUFFICIENT_FUNDS while the sender cannot pay, and anchors once funded', async () => {
    const poor = privateKeyToAccount(generatePrivateKey());
    await sendRegistryTx(chain.conn, chain.admin, chain.registry, 'grantRole', [
      ROLE_IDS.anchorer,
      poor.address,
    ]);
    const e = engine({}, poor);
    await e.start();
    const [doc] = makeDocs(1, chain.admin.address);
    await enqueueLeaves(db.kysely, [doc!.leaf]);
    e.kick();
    await eventually(
      async () => (await e.status()).lastError?.code === 'INSUFFICIENT_FUNDS',
      15_000,
      'INSUFFICIENT_FUNDS',
    );
    expect((await e.status()).queue.anchored).toBe(0);
    const wallet = chain.conn.walletFor(chain.admin);
    await chain.conn.client.waitForTransactionReceipt({
      hash: await wallet.sendTransaction({ to: poor.address, value: parseEther('1') }),
    });
    await e.whenAnchored([doc!.leaf], 30_000);
  });

  it('carries a steady load (250 transactions) without a stall or a nonce gap', async () => {
    const e = engine({ batchMax: 4 });
    await e.start();
    const docs = makeDocs(1000, chain.admin.address);
    for (let i = 0; i < docs.length; i += 50) {
      await enqueueLeaves(
        db.kysely,
        docs.slice(i, i + 50).map((d) => d.leaf),
      );
      e.kick();
    }
    await e.whenAnchored(
      docs.map((d) => d.leaf),
      120_000,
    );
    const nonces = (await batchesIn(db.kysely, chain.conn.chainId, chain.registry, ['confirmed', 'final']))
      .map((b) => b.nonce!)
      .sort((a, b) => a - b);
    expect(nonces.length).toBeGreaterThanOrEqual(250);
    expect(nonces.at(-1)! - nonces[0]!).toBe(nonces.length - 1);
    void toHex;
  }, 180_000);
});
