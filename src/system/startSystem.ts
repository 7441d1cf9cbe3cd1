import type { Address, LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { AnchorEngine } from '../anchoring/AnchorEngine.js';
import { connectChain, type ChainConnection } from '../chain/connectChain.js';
import { openEmbeddedChain, type EmbeddedChain } from '../chain/embedded/openEmbeddedChain.js';
import type { Config } from '../config/loadConfig.js';
import { loadSecrets, type Secrets } from '../config/secrets.js';
import { MedproofError } from '../core/errors/MedproofError.js';
import type { Logger } from '../log/createLogger.js';
import type { Db } from '../store/db/Db.js';
import { openDatabase } from '../store/db/openDatabase.js';

/** Everything `medproof start` runs, wired once from the validated config. */
export interface System {
  readonly config: Config;
  readonly secrets: Secrets;
  readonly conn: ChainConnection;
  readonly registry: Address;
  /** Signs CLI-style writes on the portal's behalf (granting ISSUER_ROLE to new doctors): the admin. */
  readonly admin: LocalAccount | undefined;
  readonly anchorer: LocalAccount;
  readonly embedded: EmbeddedChain | undefined;
  readonly db: Db;
  readonly engine: AnchorEngine;
  /** Stops in reverse order of start: engine (its step finishes), database, then the node. */
  stop(): Promise<void>;
}

export async function startSystem(config: Config, log: Logger): Promise<System> {
  const secrets = loadSecrets(config.dataDir);
  let embedded: EmbeddedChain | undefined;
  let conn: ChainConnection;
  let registry: Address;
  let anchorer: LocalAccount;
  let admin: LocalAccount | undefined;
  if (config.rpcUrl) {
    if (!config.registry)
      throw new MedproofError(
        'NO_REGISTRY',
        'with an RPC URL, set the registry address too (MEDPROOF_REGISTRY; `medproof deploy` prints one)',
      );
    const key = config.anchorKey ?? config.key;
    if (!key)
      throw new MedproofError(
        'NO_KEY',
        'with an RPC URL, set the anchoring key (MEDPROOF_ANCHOR_KEY or MEDPROOF_KEY)',
      );
    conn = await connectChain(config.rpcUrl, { retryCount: 0 });
    registry = config.registry;
    anchorer = privateKeyToAccount(key);
    admin = config.key ? privateKeyToAccount(config.key) : undefined;
  } else {
    embedded = await openEmbeddedChain({
      dataDir: config.dataDir,
      kind: config.node,
      mnemonic: secrets.devMnemonic,
      mode: 'serve',
      port: config.nodePort,
    });
    conn = embedded.conn;
    registry = embedded.registry;
    anchorer = config.anchorKey ? privateKeyToAccount(config.anchorKey) : embedded.anchorer;
    admin = config.key ? privateKeyToAccount(config.key) : embedded.admin;
  }
  let db: Db | undefined;
  try {
    db = await openDatabase(config.databaseUrl);
    const engine = new AnchorEngine({
      db,
      conn,
      registry,
      account: anchorer,
      settings: {
        batchMax: config.batchMax,
        batchWaitMs: config.batchWaitMs,
        confirmations: config.confirmations,
        pollMs: config.pollMs,
        replaceAfterMs: config.replaceAfterMs,
      },
      log: log.child({ component: 'anchoring' }),
    });
    await engine.start();
    const openDb = db;
    return {
      config,
      secrets,
      conn,
      registry,
      admin,
      anchorer,
      embedded,
      db: openDb,
      engine,
      async stop() {
        await engine.stop();
        await openDb.close();
        await embedded?.close();
      },
    };
  } catch (error) {
    await db?.close();
    await embedded?.close();
    throw error;
  }
}
