import type { Address, LocalAccount } from 'viem';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { AnchorEngine } from '../anchoring/AnchorEngine.js';
import { ChainOpsWorker } from '../anchoring/ChainOpsWorker.js';
import { publicClientFor } from '../chain/clients.js';
import { freePort } from '../chain/embedded/processes.js';
import { registryReader } from '../chain/registry/registryReader.js';
import { buildApp, type AppOptions } from '../server/app.js';
import { setupTokenIfNeeded } from '../server/auth/setupToken.js';
import { FsBlobStore } from '../store/blobs/FsBlobStore.js';
import { reconcileBlobs } from '../store/blobs/reconcileBlobs.js';
import { AuditWriter } from '../store/audit/AuditWriter.js';
import { TtlCache } from '../server/verify/TtlCache.js';
import type { PortalVerification } from '../server/verify/verifyKnownDocument.js';
import { cachingReader } from '../chain/registry/cachingReader.js';
import type { ChainConnection } from '../chain/connectChain.js';
import type { EmbeddedChain } from '../chain/embedded/openEmbeddedChain.js';
import type { Config } from '../config/loadConfig.js';
import { loadSecrets, type Secrets } from '../config/secrets.js';
import type { Logger } from '../log/createLogger.js';
import type { Db } from '../store/db/Db.js';
import { openDatabase } from '../store/db/openDatabase.js';
import { openSystemChain } from './openSystemChain.js';

/** Everything `medproof start` runs, wired once from the validated config (the composition root). */
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
  readonly chainOps: ChainOpsWorker;
  readonly blobs: FsBlobStore;
  readonly app: FastifyInstance;
  /** Where the portal listens (the port is the real one, also when 0 was asked for). */
  readonly url: string;
  /** Printed once while no admin exists: create the first admin with it. */
  readonly setupToken: string | undefined;
  /**
   * Stops in reverse order of start: the portal stops taking requests and lets those in flight finish,
   * then the engines finish their step, then the database and the node close.
   */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly app?: AppOptions;
}

export async function startSystem(
  requested: Config,
  log: Logger,
  options: StartOptions = {},
): Promise<System> {
  // Port 0 (tests, side-by-side instances): pick the port now, so the public URL (share links, the
  // Origin check) names the real one.
  let config = requested;
  if (config.port === 0) {
    const port = await freePort();
    const derived = config.publicUrl === `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:0`;
    config = Object.freeze({
      ...config,
      port,
      ...(derived
        ? { publicUrl: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}` }
        : {}),
    });
  }
  const secrets = loadSecrets(config.dataDir);
  const { conn, registry, anchorer, admin, embedded } = await openSystemChain(config, secrets);
  let db: Db | undefined;
  let engine: AnchorEngine | undefined;
  let chainOps: ChainOpsWorker | undefined;
  let app: FastifyInstance | undefined;
  try {
    db = await openDatabase(config.databaseUrl);
    const blobs = new FsBlobStore(join(config.dataDir, 'blobs'));
    await blobs.init();
    const cleaned = await reconcileBlobs(db.kysely, blobs);
    if (cleaned.temp + cleaned.orphans > 0) log.warn(cleaned, 'removed files of interrupted uploads');
    engine = new AnchorEngine({
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
    // Verifications read through their own batching client (four reads, one round trip), cached briefly.
    const reader = cachingReader(
      registryReader(
        publicClientFor(conn.rpcUrl, conn.chainId, { batch: true, retryCount: 0, timeoutMs: 5000 }),
      ),
      config.chainCacheMs,
    );
    const verifications = new TtlCache<PortalVerification>(config.chainCacheMs);
    chainOps = new ChainOpsWorker({
      db,
      conn,
      registry,
      account: admin,
      log: log.child({ component: 'chain-ops' }),
      // Our own revocation must show at once in our own verifications.
      onApplied: () => {
        reader.clear();
        verifications.clear();
      },
    });
    chainOps.start();
    app = await buildApp(
      {
        config,
        db,
        blobs,
        masterKey: config.masterKey ? Buffer.from(config.masterKey.slice(2), 'hex') : secrets.masterKey,
        patientRefSecret: secrets.patientRefSecret,
        chain: { conn, registry, reader },
        verifications,
        engine,
        chainOps,
        audit: new AuditWriter(db),
        log,
      },
      options.app,
    );
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const setupToken = await setupTokenIfNeeded(db.kysely);
    const openDb = db;
    const running = { engine, chainOps, app };
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
      chainOps,
      blobs,
      app,
      url: `http://${config.host}:${port}`,
      setupToken,
      async stop() {
        // Stop taking requests and let those in flight finish, then the workers, then storage and chain.
        await running.app.close();
        await running.engine.stop();
        await running.chainOps.stop();
        await openDb.close();
        await embedded?.close();
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await engine?.stop().catch(() => undefined);
    await chainOps?.stop().catch(() => undefined);
    await db?.close();
    await embedded?.close();
    throw error;
  }
}
