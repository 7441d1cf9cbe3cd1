import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { english, generateMnemonic, mnemonicToAccount, type HDAccount } from 'viem/accounts';
import type { Address, Hex } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnchorEngine } from '../../src/anchoring/AnchorEngine.js';
import { anchorPointOf } from '../../src/anchoring/anchorPointOf.js';
import type { EngineSettings } from '../../src/anchoring/EngineSettings.js';
import { connectChain, type ChainConnection } from '../../src/chain/connectChain.js';
import { fundAccounts } from '../../src/chain/embedded/fundAccounts.js';
import { freePort } from '../../src/chain/embedded/processes.js';
import { anvilBinary, launchAnvil } from '../../src/chain/nodes/launchAnvil.js';
import { startChild, stopChild, waitForRpc } from '../../src/chain/nodes/childProcess.js';
import type { EmbeddedNode } from '../../src/chain/nodes/EmbeddedNode.js';
import { deployRegistry } from '../../src/chain/registry/deployRegistry.js';
import { registryReader } from '../../src/chain/registry/registryReader.js';
import { batchesIn, enqueueLeaves } from '../../src/store/anchorQueue/anchorQueue.js';
import { testDatabase } from '../helpers/databases.js';
import { eventually, makeDocs, makeEngine, receiptFor, verifyOnChain, type Doc } from '../helpers/engines.js';
import { tmpDir } from '../helpers/tmp.js';

const CHAIN_ID = 31337;

interface Node {
  readonly rpcUrl: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** anvil without --prune-history: anvil_rollback and anvil_reorg need the history launchAnvil prunes. */
async function anvilWithHistory(port: number): Promise<Node> {
  const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(CHAIN_ID)];
  const started = startChild(anvilBinary(), [...args, '--accounts', '0', '--no-cors', '--silent']);
  const rpcUrl = `http://127.0.0.1:${port}`;
  await waitForRpc(rpcUrl, started, CHAIN_ID, 15_000);
  return { rpcUrl, pid: started.child.pid!, stop: () => stopChild(started) };
}

async function rpc(conn: ChainConnection, method: string, params: unknown[] = []): Promise<unknown> {
  return conn.client.request({ method: method as never, params: params as never });
}

/** A funded admin (with the anchorer role) and a registry on the given node. */
async function setUp(
  rpcUrl: string,
): Promise<{ conn: ChainConnection; registry: Address; anchorer: HDAccount }> {
  const conn = await connectChain(rpcUrl, { retryCount: 0 });
  const anchorer = mnemonicToAccount(generateMnemonic(english));
  await fundAccounts(conn, 'anvil', [anchorer.address]);
  const { address: registry } = await deployRegistry(conn, anchorer);
  return { conn, registry, anchorer };
}

const exited = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

describe('anchors are re-checked against the chain until final (anvil, real faults)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function engineOn(chain: Awaited<ReturnType<typeof setUp>>, settings: Partial<EngineSettings>) {
    const t = await testDatabase('sqlite');
    cleanups.push(() => t.cleanup());
    const engine = makeEngine(t.db, chain, settings);
    cleanups.push(() => engine.stop());
    await engine.start();
    return { db: t.db, engine };
  }

  async function anchor(engine: AnchorEngine, db: Awaited<ReturnType<typeof engineOn>>['db'], docs: Doc[]) {
    await enqueueLeaves(
      db.kysely,
      docs.map((d) => d.leaf),
    );
    engine.kick();
    await engine.whenAnchored(
      docs.map((d) => d.leaf),
      30_000,
    );
    return Promise.all(docs.map((d) => receiptFor(db, d)));
  }

  it('an external node killed and restarted from an older state file: every receipt handed out verifies again, the engine never stopped', async () => {
    const dir = tmpDir('medproof-finality-');
    cleanups.push(() => dir.remove());
    const stateDir = join(dir.path, 'node');
    const stateFile = join(stateDir, 'state.json');
    const port = await freePort();
    let node: EmbeddedNode = await launchAnvil({ stateDir, port, chainId: CHAIN_ID });
    cleanups.push(() => node.stop());
    const chain = await setUp(node.rpcUrl);
    const { db, engine } = await engineOn(chain, { finalityDepth: 1000 });

    const docs = makeDocs(4, chain.anchorer.address);
    const early = await anchor(engine, db, docs.slice(0, 2));
    // The state file anvil writes every second, once it holds the first anchors.
    const anchoredAt = Date.now();
    await eventually(
      async () => {
        if (!existsSync(stateFile) || statSync(stateFile).mtimeMs <= anchoredAt + 100) return false;
        try {
          JSON.parse(readFileSync(stateFile, 'utf8'));
          return true;
        } catch {
          return false; // caught mid-write
        }
      },
      20_000,
      'a state file written after the first anchors',
    );
    copyFileSync(stateFile, join(dir.path, 'older-state.json'));
    const late = await anchor(engine, db, docs.slice(2));

    process.kill(node.pid, 'SIGKILL');
    await eventually(async () => exited(node.pid), 10_000, 'the node gone');
    copyFileSync(join(dir.path, 'older-state.json'), stateFile);
    node = await launchAnvil({ stateDir, port, chainId: CHAIN_ID });
    const reader = registryReader(chain.conn.client);
    // The restarted node forgot the later anchors: it is a chain that lost them, not another chain.
    expect((await reader.rootInfo(chain.registry, late[0]!.root)).anchoredAt).toBe(0);

    const receipts = [...early, ...late];
    await eventually(
      async () => {
        for (const [i, r] of receipts.entries())
          if ((await verifyOnChain(node.rpcUrl, docs[i]!, r, chain.registry)).verdict !== 'VALID')
            return false;
        return true;
      },
      30_000,
      'every receipt handed out verifying again',
    );
    const status = await engine.status();
    expect(status.running).toBe(true);
    expect(status.paused).toBeNull();
    expect(status.queue.reanchored).toBeGreaterThanOrEqual(1);
    await engine.whenAnchored(
      docs.map((d) => d.leaf),
      30_000,
    );
  }, 120_000);

  it('a rollback, then a reorg, deeper than the confirmations: the confirmed batch is re-anchored and its receipt verifies; deep enough, it is final', async () => {
    const node = await anvilWithHistory(await freePort());
    cleanups.push(() => node.stop());
    const chain = await setUp(node.rpcUrl);
    const { db, engine } = await engineOn(chain, { confirmations: 2, finalityDepth: 6 });
    const mine = () => rpc(chain.conn, 'evm_mine');
    const [doc] = makeDocs(1, chain.anchorer.address);

    await enqueueLeaves(db.kysely, [doc!.leaf]);
    engine.kick();
    // Two confirmations on an automining node: blocks on top come from us.
    const confirmedBatch = async () => {
      await mine();
      return (await batchesIn(db.kysely, CHAIN_ID, chain.registry, ['confirmed']))[0];
    };
    const first = await eventually(confirmedBatch, 30_000, 'confirmed');
    const handedOut = await receiptFor(db, doc!);

    for (const fault of ['anvil_rollback', 'anvil_reorg'] as const) {
      const before = (await batchesIn(db.kysely, CHAIN_ID, chain.registry, ['confirmed']))[0]!;
      // Just confirmed, the anchor may be exactly 2 deep: one more block makes the fault go deeper.
      await mine();
      const head = Number(await chain.conn.client.getBlockNumber({ cacheTime: 0 }));
      const depth = head - before.block_number! + 1; // deeper than 2 confirmations, down through the anchor
      expect(depth).toBeGreaterThan(2);
      await rpc(chain.conn, fault, fault === 'anvil_rollback' ? [depth] : [depth, []]);
      expect(
        (await registryReader(chain.conn.client).rootInfo(chain.registry, handedOut.root)).anchoredAt,
      ).toBe(0);
      const again = await eventually(
        async () => {
          const b = await confirmedBatch();
          return b && b.reanchor_count > before.reanchor_count && b;
        },
        30_000,
        `re-anchored after ${fault}`,
      );
      expect(again.id).toBe(first.id);
      expect((await verifyOnChain(node.rpcUrl, doc!, handedOut, chain.registry)).verdict).toBe('VALID');
      expect((await anchorPointOf(db.kysely, doc!.leaf))?.state).toBe('anchored');
    }

    // Deep enough: final, and no longer re-checked.
    const final = await eventually(
      async () => {
        await mine();
        return (await batchesIn(db.kysely, CHAIN_ID, chain.registry, ['final']))[0];
      },
      30_000,
      'final',
    );
    expect(final.reanchor_count).toBe(2);
    expect((await anchorPointOf(db.kysely, doc!.leaf))?.state).toBe('anchored');
  }, 120_000);

  it('anvil_reset under a running engine: CHAIN_MISMATCH pause, and nothing sent since reads anchored', async () => {
    const node = await anvilWithHistory(await freePort());
    cleanups.push(() => node.stop());
    const chain = await setUp(node.rpcUrl);
    // Final at once: no re-check of the old batch, so it is the new transaction's receipt that finds out.
    const { db, engine } = await engineOn(chain, { finalityDepth: 1 });
    const [old, fresh] = makeDocs(2, chain.anchorer.address);
    await anchor(engine, db, [old!]);
    await eventually(
      async () => (await batchesIn(db.kysely, CHAIN_ID, chain.registry, ['final'])).length === 1,
      10_000,
      'final',
    );

    await rpc(chain.conn, 'anvil_reset');
    // The reset chain's account has gas again: the anchor goes out, to an address with no code, and succeeds.
    await fundAccounts(chain.conn, 'anvil', [chain.anchorer.address]);
    expect(await chain.conn.client.getCode({ address: chain.registry })).toBeUndefined();
    await enqueueLeaves(db.kysely, [fresh!.leaf]);
    engine.kick();

    const paused = await eventually(
      async () => (await engine.status()).paused ?? undefined,
      30_000,
      'paused',
    );
    expect(paused.code).toBe('CHAIN_MISMATCH');
    expect(engine.pausedState?.code).toBe('CHAIN_MISMATCH');
    expect((await anchorPointOf(db.kysely, fresh!.leaf))?.state).toBe('pending');
    const [sent] = await batchesIn(db.kysely, CHAIN_ID, chain.registry, ['sent']);
    expect(sent).toBeDefined();
    // The transaction did land, with success: it is its missing Anchored event that says "not anchored".
    const receipt = await chain.conn.client.getTransactionReceipt({ hash: sent!.tx_hash as Hex });
    expect(receipt.status).toBe('success');
    expect(receipt.logs).toEqual([]);
    expect(await batchesIn(db.kysely, CHAIN_ID, chain.registry, ['mined', 'confirmed'])).toEqual([]);
  }, 60_000);
});
