import { afterEach, describe, expect, it } from 'vitest';
import type { AnchorEngine } from '../../src/anchoring/AnchorEngine.js';
import { registryReader } from '../../src/chain/registry/registryReader.js';
import { batchesIn, enqueueLeaves } from '../../src/store/anchorQueue/anchorQueue.js';
import { devRpc, startTestChain, type TestChain } from '../helpers/chains.js';
import { testDatabase, type DbKind } from '../helpers/databases.js';
import { eventually, makeDocs, makeEngine, receiptFor, verifyOnChain } from '../helpers/engines.js';

describe.each<DbKind>(['sqlite', 'postgres'])('start-up reconciliation on anvil with %s', (dbKind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('is retried until the chain answers; nothing is sent before; then a confirmed batch the chain lost is re-anchored', async () => {
    let chain: TestChain = await startTestChain('anvil');
    cleanups.push(() => chain.destroy());
    const t = await testDatabase(dbKind);
    cleanups.push(() => t.cleanup());
    const engines: AnchorEngine[] = [];
    cleanups.push(() => Promise.all(engines.map((e) => e.stop())).then(() => undefined));

    // A confirmed batch, then the chain loses it (back to a snapshot taken before).
    const snapshot = await devRpc.snapshot(chain.conn);
    const first = makeEngine(t.db, chain);
    engines.push(first);
    await first.start();
    const [lost, later] = makeDocs(2, chain.admin.address);
    await enqueueLeaves(t.db.kysely, [lost!.leaf]);
    first.kick();
    await first.whenAnchored([lost!.leaf]);
    const handedOut = await receiptFor(t.db, lost!);
    await first.stop();
    await devRpc.revert(chain.conn, snapshot);
    const reader = registryReader(chain.conn.client);
    expect((await reader.rootInfo(chain.registry, handedOut.root)).anchoredAt).toBe(0);

    // The engine starts while the chain is down.
    await chain.close();
    const second = makeEngine(t.db, chain);
    engines.push(second);
    await second.start();
    await enqueueLeaves(t.db.kysely, [later!.leaf]);
    second.kick();
    const down = await eventually(
      async () => {
        const s = await second.status();
        return s.lastError?.code === 'CHAIN_UNREACHABLE' && s;
      },
      10_000,
      'CHAIN_UNREACHABLE at start',
    );
    expect(down.reconciled).toBe(false);
    // Retried with backoff, and meanwhile nothing is built or sent: the new leaf is still queued.
    await new Promise((r) => setTimeout(r, 500));
    expect((await second.status()).queue.queued).toBe(1);
    expect(await batchesIn(t.db.kysely, chain.conn.chainId, chain.registry, ['sent', 'built'])).toEqual([]);

    // The chain comes back on the same port: the engine reconciles, re-anchors the lost root, then sends the new leaf.
    chain = await chain.reopen();
    await eventually(async () => (await second.status()).reconciled, 20_000, 'reconciled');
    // A fresh reader on the reopened node; a read racing a new block on the pruned node may fail: ask again.
    const readerAgain = registryReader(chain.conn.client);
    await eventually(
      async () =>
        (await readerAgain.rootInfo(chain.registry, handedOut.root).catch(() => ({ anchoredAt: 0 })))
          .anchoredAt > 0,
      20_000,
      'the lost root anchored again',
    );
    await second.whenAnchored([lost!.leaf, later!.leaf], 20_000);
    const [batch] = await batchesIn(t.db.kysely, chain.conn.chainId, chain.registry, ['confirmed', 'final']);
    expect(batch?.reanchor_count).toBe(1);
    const again = await verifyOnChain(chain.conn.rpcUrl, lost!, handedOut, chain.registry);
    expect(again.verdict).toBe('VALID');
    expect(
      (await verifyOnChain(chain.conn.rpcUrl, lost!, await receiptFor(t.db, lost!), chain.registry)).verdict,
    ).toBe('VALID');
  }, 60_000);
});
