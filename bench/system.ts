import { join } from 'node:path';
import { AnchorEngine } from '../src/anchoring/AnchorEngine.js';
import type { EngineSettings } from '../src/anchoring/EngineSettings.js';
import { openEmbeddedChain, type EmbeddedChain } from '../src/chain/embedded/openEmbeddedChain.js';
import { freePort } from '../src/chain/embedded/processes.js';
import type { NodeKind } from '../src/chain/nodes/EmbeddedNode.js';
import { loadSecrets } from '../src/config/secrets.js';
import { silentLogger } from '../src/log/createLogger.js';
import type { Db } from '../src/store/db/Db.js';
import { openDatabase } from '../src/store/db/openDatabase.js';

export interface BenchSystem {
  readonly chain: EmbeddedChain;
  readonly db: Db;
  readonly engine: AnchorEngine;
  stop(): Promise<void>;
}

/** A fresh embedded chain + SQLite + engine in `dir`, as `medproof start` runs them. */
export async function benchSystem(
  dir: string,
  kind: NodeKind,
  settings: Partial<EngineSettings> = {},
): Promise<BenchSystem> {
  const { devMnemonic } = loadSecrets(dir);
  const chain = await openEmbeddedChain({
    dataDir: dir,
    kind,
    mnemonic: devMnemonic,
    mode: 'serve',
    port: await freePort(),
  });
  const db = await openDatabase(`sqlite:${join(dir, 'medproof.db')}`);
  const engine = new AnchorEngine({
    db,
    conn: chain.conn,
    registry: chain.registry,
    account: chain.anchorer,
    settings: {
      batchMax: 1,
      batchWaitMs: 0,
      confirmations: 1,
      pollMs: 200,
      replaceAfterMs: 120_000,
      ...settings,
    },
    log: silentLogger,
  });
  await engine.start();
  return {
    chain,
    db,
    engine,
    async stop() {
      await engine.stop();
      await db.close();
      await chain.close();
    },
  };
}
