import { randomBytes } from 'node:crypto';
import { encodeFunctionData, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signCallTx } from '../../src/anchoring/anchorTx.js';
import { ChainOpsWorker } from '../../src/anchoring/ChainOpsWorker.js';
import { ROLE_IDS } from '../../src/chain/registry/roles.js';
import { registryAbi } from '../../src/chain/registryAbi.js';
import { toHex } from '../../src/core/hash/hex.js';
import { silentLogger } from '../../src/log/createLogger.js';
import { enqueueChainOp, nextChainOp, recordOpSigned } from '../../src/store/chainOps/chainOpsQueue.js';
import type { Db } from '../../src/store/db/Db.js';
import { startTestChain, type TestChain } from '../helpers/chains.js';
import { testDatabase, type DbKind } from '../helpers/databases.js';
import { eventually } from '../helpers/engines.js';

describe.each<DbKind>(['sqlite', 'postgres'])('chain operations on anvil with %s', (dbKind) => {
  let chain: TestChain;
  let db: Db;
  let cleanupDb: () => Promise<void>;
  const workers: ChainOpsWorker[] = [];
  const worker = () => {
    const w = new ChainOpsWorker({
      db,
      conn: chain.conn,
      registry: chain.registry,
      account: chain.admin,
      log: silentLogger,
      retryBaseMs: 100,
      retryMaxMs: 500,
    });
    workers.push(w);
    return w;
  };
  // A new doctor per test: the chain is shared by the tests of this file.
  const isIssuer = (address: Hex) =>
    chain.conn.client.readContract({
      address: chain.registry,
      abi: registryAbi,
      functionName: 'hasRole',
      args: [ROLE_IDS.issuer, address],
    });
  const opRow = () => db.kysely.selectFrom('chain_ops').selectAll().executeTakeFirstOrThrow();

  beforeAll(async () => {
    chain = await startTestChain('anvil');
  });
  afterAll(() => chain?.destroy());
  beforeEach(async () => {
    const t = await testDatabase(dbKind);
    db = t.db;
    cleanupDb = () => t.cleanup();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await cleanupDb();
  });

  it('stores the signed transaction before broadcasting it, and records the one that landed', async () => {
    const doctor = privateKeyToAccount(generatePrivateKey()).address;
    await enqueueChainOp(db.kysely, { kind: 'grant_issuer', address: doctor });
    const w = worker();
    w.start();
    await w.drained();
    expect(await isIssuer(doctor)).toBe(true);
    const op = await opRow();
    expect(op).toMatchObject({ status: 'done', nonce: expect.any(Number) });
    expect(op.raw_tx).toMatch(/^0x/);
    const receipt = await chain.conn.client.getTransactionReceipt({ hash: op.tx_hash as Hex });
    expect(receipt.status).toBe('success');
  });

  it('after a crash between signing and broadcasting, re-broadcasts the stored transaction instead of signing again', async () => {
    const leaf = toHex(randomBytes(32));
    await enqueueChainOp(db.kysely, { kind: 'revoke_leaf', leaf, reason: 1 });
    // What a worker did before it died: signed, stored, never sent.
    const pending = (await nextChainOp(db.kysely))!;
    const data = encodeFunctionData({ abi: registryAbi, functionName: 'revoke', args: [leaf, 1] });
    const stored = await signCallTx(chain.conn, chain.admin, chain.registry, data);
    expect(await recordOpSigned(db.kysely, pending.id, stored)).toBe(true);
    await expect(chain.conn.client.getTransaction({ hash: stored.hash })).rejects.toThrow();
    const nonceBefore = await chain.conn.client.getTransactionCount({ address: chain.admin.address });

    const w = worker();
    w.start();
    await w.drained();
    const op = await opRow();
    expect(op).toMatchObject({ status: 'done', tx_hash: stored.hash.toLowerCase(), nonce: stored.nonce });
    expect((await chain.conn.client.getTransactionReceipt({ hash: stored.hash })).status).toBe('success');
    // One transaction, the stored one: nothing was signed again.
    expect(await chain.conn.client.getTransactionCount({ address: chain.admin.address })).toBe(
      nonceBefore + 1,
    );
  });

  it('reconciles at start, retried until the chain answers: a change the chain lost is applied again', async () => {
    const doctor = privateKeyToAccount(generatePrivateKey()).address;
    const snapshot = await chain.conn.client.request<{
      Method: 'evm_snapshot';
      Parameters: [];
      ReturnType: Hex;
    }>({
      method: 'evm_snapshot',
      params: [],
    });
    await enqueueChainOp(db.kysely, { kind: 'grant_issuer', address: doctor });
    const first = worker();
    first.start();
    await first.drained();
    await first.stop();
    await chain.conn.client.request({ method: 'evm_revert' as never, params: [snapshot] as never });
    expect(await isIssuer(doctor)).toBe(false);

    await chain.close();
    const second = worker();
    second.start();
    await eventually(
      async () => (await second.status()).lastError?.code === 'CHAIN_UNREACHABLE',
      10_000,
      'CHAIN_UNREACHABLE at start',
    );
    chain = await chain.reopen();
    await eventually(() => isIssuer(doctor), 20_000, 'the grant applied again');
    await second.drained();
    expect((await opRow()).status).toBe('done');
  });
});
