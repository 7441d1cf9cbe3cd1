import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receipt } from '../../src/core/receipt/receiptSchema.js';
import type { Db } from '../../src/store/db/Db.js';
import { enqueueLeaves } from '../../src/store/anchorQueue/anchorQueue.js';
import { startTestChain, type TestChain } from '../helpers/chains.js';
import { testDatabase } from '../helpers/databases.js';
import { makeDocs, makeEngine, receiptFor, verifyOnChain, type Doc } from '../helpers/engines.js';

describe('the receipt’s transaction, checked on anvil', () => {
  let chain: TestChain;
  let db: Db;
  let cleanupDb: () => Promise<void>;
  let docs: Doc[];
  let receipts: Receipt[];

  beforeAll(async () => {
    chain = await startTestChain('anvil');
    const t = await testDatabase('sqlite');
    db = t.db;
    cleanupDb = () => t.cleanup();
    const engine = makeEngine(db, chain, { batchMax: 1 });
    await engine.start();
    docs = makeDocs(2, chain.admin.address);
    await enqueueLeaves(
      db.kysely,
      docs.map((d) => d.leaf),
    );
    engine.kick();
    await engine.whenAnchored(docs.map((d) => d.leaf));
    await engine.stop();
    receipts = await Promise.all(docs.map((d) => receiptFor(db, d)));
  });
  afterAll(async () => {
    await cleanupDb?.();
    await chain?.destroy();
  });

  const verify = (receipt: Receipt) => verifyOnChain(chain.conn.rpcUrl, docs[0]!, receipt, chain.registry);
  const txCheck = (v: Awaited<ReturnType<typeof verify>>) =>
    v.checks.find((c) => c.check === 'anchorTransaction');

  it('VALID when the transaction emitted Anchored(root) from the registry in the receipt’s block', async () => {
    const v = await verify(receipts[0]!);
    expect(v.verdict).toBe('VALID');
    expect(txCheck(v)).toMatchObject({ status: 'VALID', code: 'VALID' });
  });

  it('TAMPERED when the receipt names another anchor transaction (another root)', async () => {
    expect(receipts[1]!.txHash).not.toBe(receipts[0]!.txHash);
    const v = await verify({ ...receipts[0]!, txHash: receipts[1]!.txHash });
    expect(v).toMatchObject({ verdict: 'TAMPERED', code: 'TAMPERED' });
    expect(txCheck(v)?.message).toContain(receipts[1]!.txHash);
  });

  it('TAMPERED when the receipt names a transaction that anchored nothing, or another block', async () => {
    const wallet = chain.conn.walletFor(chain.admin);
    const transfer = await wallet.sendTransaction({ to: chain.spare[0].address, value: parseEther('0.001') });
    await chain.conn.client.waitForTransactionReceipt({ hash: transfer });
    expect((await verify({ ...receipts[0]!, txHash: transfer })).verdict).toBe('TAMPERED');
    const moved = await verify({ ...receipts[0]!, blockNumber: receipts[0]!.blockNumber + 1 });
    expect(moved.verdict).toBe('TAMPERED');
    expect(txCheck(moved)?.message).toContain(`block ${receipts[0]!.blockNumber}`);
  });
});
