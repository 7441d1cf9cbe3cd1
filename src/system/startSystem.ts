import type { Address, LocalAccount } from 'viem';
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AnchorEngine, AuditHeadCommitter, ChainOpsWorker, LeaderElection } from '../anchoring/index.js';
import {
  cachingReader,
  freePort,
  publicClientFor,
  registryReaderFor,
  type ChainConnection,
  type EmbeddedChain,
  type RegistryVersion,
} from '../chain/index.js';
import {
  NotificationWorker,
  TtlCache,
  buildApp,
  logMailer,
  logSmsProvider,
  setupTokenIfNeeded,
  smtpMailer,
  type AppOptions,
  type Mailer,
  type PortalVerification,
  type SmsProvider,
} from '../server/index.js';
import {
  AuditWriter,
  FsBlobStore,
  S3BlobStore,
  type BlobStore,
  checkSecretsFingerprint,
  compareSecretsFingerprint,
  createRepositories,
  openDatabase,
  reconcileBlobs,
  relyingPartyOf,
  sqlitePathOf,
  type Db,
} from '../store/index.js';
import { institutionSecrets, type Config, type Secrets } from '../config/index.js';
import { MedproofError } from '../core/index.js';
import { holdPidLock } from '../io/index.js';
import { checkInstitution } from './checkInstitution.js';
import type { Logger } from '../log/index.js';
import { openSystemChain } from './openSystemChain.js';
import { superviseNode } from './superviseNode.js';

/** Everything `medproof start` runs, wired once from the validated config (the composition root). */
export interface System {
  readonly config: Config;
  readonly secrets: Secrets;
  readonly conn: ChainConnection;
  readonly registry: Address;
  /** v2 for new data folders; an older data folder or external registry may be v1 (v1 anchors and receipts). */
  readonly registryVersion: RegistryVersion;
  /** Signs CLI-style writes on the portal's behalf (granting ISSUER_ROLE to new doctors): the admin. */
  readonly admin: LocalAccount | undefined;
  readonly anchorer: LocalAccount;
  readonly embedded: EmbeddedChain | undefined;
  readonly db: Db;
  readonly engine: AnchorEngine;
  readonly chainOps: ChainOpsWorker;
  /** Whether this process runs the engine and chain-operations worker now (PostgreSQL: the writer lease). */
  readonly election: LeaderElection;
  readonly blobs: BlobStore;
  readonly app: FastifyInstance;
  /** Where the portal listens (the port is the real one, also when 0 was asked for). */
  readonly url: string;
  /** Printed once while no admin exists: create the first admin with it. */
  readonly setupToken: string | undefined;
  /**
   * Resolves when the system cannot go on by itself (the embedded node keeps dying: NODE_DIED); the
   * caller stops it and exits non-zero. Never resolves on an external chain.
   */
  readonly failed: Promise<MedproofError>;
  /**
   * Stops in reverse order of start: the portal stops taking requests and lets those in flight finish,
   * then the engines finish their step, then the database and the node close.
   */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly app?: AppOptions;
  /** Delivery of notifications: a real SMS provider, or a test's; default from the config. */
  readonly notify?: { readonly sms?: SmsProvider; readonly mailer?: Mailer; readonly retryMaxMs?: number };
}

function mailerFor(config: Config, log: Logger): Mailer {
  if (!config.smtpHost) return logMailer(log);
  return smtpMailer({
    host: config.smtpHost,
    port: config.smtpPort,
    secure: config.smtpSecure,
    from: config.smtpFrom,
    user: config.smtpUser,
    password: config.smtpPassword,
  });
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
  const secrets = institutionSecrets(config);
  const sqliteLock = lockSqlite(config.databaseUrl);
  let opened;
  try {
    opened = await openSystemChain(config, secrets);
  } catch (error) {
    sqliteLock?.release();
    throw error;
  }
  const { conn, registry, anchorer, admin, embedded, registryVersion, institution } = opened;
  let db: Db | undefined;
  let engine: AnchorEngine | undefined;
  let chainOps: ChainOpsWorker | undefined;
  let app: FastifyInstance | undefined;
  let election: LeaderElection | undefined;
  let auditHeads: AuditHeadCommitter | undefined;
  let notifier: NotificationWorker | undefined;
  try {
    db = await openDatabase(config.databaseUrl, {
      connectTimeoutMs: config.dbConnectTimeoutMs,
      queryTimeoutMs: config.dbQueryTimeoutMs,
      onConnectionError: (error) =>
        log.warn({ err: error }, 'database connection lost; reconnecting on the next query'),
    });
    if (registryVersion === 2) {
      try {
        await checkInstitution(conn, registry, institution);
      } catch (error) {
        // Other secrets give another institution salt too: SECRETS_MISMATCH then names the real cause.
        // Compared only, not recorded: a process that refuses to start must not claim the database.
        await compareSecretsFingerprint(db.kysely, secrets);
        throw error;
      }
    }
    await checkSecretsFingerprint(db.kysely, secrets);
    const blobs: BlobStore =
      config.blobStore.kind === 's3'
        ? new S3BlobStore(config.blobStore)
        : new FsBlobStore(config.blobStore.dir);
    await blobs.init();
    // PostgreSQL may have replicas sharing the blob folder or bucket: leave alone what an upload in flight on
    // another one may still own (an upload is cut off after MEDPROOF_UPLOAD_TIMEOUT_SECONDS).
    const inFlightMs = db.dialect === 'postgres' ? (config.uploadTimeoutSeconds + 60) * 1000 : 0;
    const cleaned = await reconcileBlobs(db.kysely, blobs, inFlightMs);
    if (cleaned.temp + cleaned.orphans > 0) log.warn(cleaned, 'removed files of interrupted uploads');
    // One writer across replicas: the workers run while this process holds the writer lease, and
    // every write they make checks the lease's fencing token in its own transaction.
    const writers = {
      engine: undefined as AnchorEngine | undefined,
      chainOps: undefined as ChainOpsWorker | undefined,
    };
    election = new LeaderElection({
      db,
      name: 'writers',
      holder: config.replicaId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
      ttlMs: config.leaderLeaseMs,
      log: log.child({ component: 'lease' }),
      onElected: async () => {
        await writers.engine?.start();
        writers.chainOps?.start();
      },
      onDeposed: async () => {
        await writers.engine?.stop();
        await writers.chainOps?.stop();
      },
    });
    const writerDb = db.guarded?.(election.guard) ?? db;
    engine = new AnchorEngine({
      db: writerDb,
      conn,
      registry,
      account: anchorer,
      settings: {
        batchMax: config.batchMax,
        batchWaitMs: config.batchWaitMs,
        confirmations: config.confirmations,
        finalityDepth: config.finalityDepth,
        pollMs: config.pollMs,
        replaceAfterMs: config.replaceAfterMs,
      },
      log: log.child({ component: 'anchoring' }),
      registryVersion,
    });
    // Verifications read through their own batching client (four reads, one round trip), cached briefly.
    const reader = cachingReader(
      registryReaderFor(
        publicClientFor(conn.rpcUrl, conn.chainId, { batch: true, retryCount: 0, timeoutMs: 5000 }),
        registryVersion,
      ),
      config.chainCacheMs,
    );
    const verifications = new TtlCache<PortalVerification>(config.chainCacheMs);
    chainOps = new ChainOpsWorker({
      db: writerDb,
      conn,
      registry,
      account: admin,
      registryVersion,
      log: log.child({ component: 'chain-ops' }),
      // Our own revocation must show at once in our own verifications.
      onApplied: () => {
        reader.clear();
        verifications.clear();
      },
    });
    writers.engine = engine;
    writers.chainOps = chainOps;
    await election.start();
    // The audit head rides in ordinary batches; any replica may queue it (one queue entry per head,
    // guarded in the database), and the leader's engine anchors it.
    const anchoring = engine;
    auditHeads = new AuditHeadCommitter({
      db,
      issuer: anchorer.address,
      everyMs: config.auditAnchorSeconds * 1000,
      onQueued: () => anchoring.kick(),
      log: log.child({ component: 'audit-anchor' }),
    });
    auditHeads.start();
    const audit = new AuditWriter(db);
    const masterKey = secrets.masterKey;
    const repos = createRepositories(
      db,
      audit,
      { masterKey, patientRefSecret: secrets.patientRefSecret, institution },
      relyingPartyOf(config.publicUrl),
    );
    // Every replica drains the notification outbox: a message is claimed by one guarded update.
    const notifyLog = log.child({ component: 'notify' });
    notifier = new NotificationWorker({
      outbox: repos.outbox,
      mailer: options.notify?.mailer ?? mailerFor(config, notifyLog),
      sms: options.notify?.sms ?? logSmsProvider(notifyLog),
      publicUrl: config.publicUrl,
      log: notifyLog,
      ...(options.notify?.retryMaxMs !== undefined ? { retryMaxMs: options.notify.retryMaxMs } : {}),
    });
    notifier.start();
    app = await buildApp(
      {
        config,
        db,
        blobs,
        masterKey,
        patientRefSecret: secrets.patientRefSecret,
        chain: { conn, registry, reader, registryVersion, institution },
        verifications,
        engine,
        chainOps,
        writer: election,
        audit,
        repos,
        log,
        notifications: notifier,
      },
      options.app,
    );
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const setupToken = await setupTokenIfNeeded(db.kysely);
    const openDb = db;
    const running = { engine, chainOps, app, election, auditHeads, notifier };
    // The node we own is restarted when it dies; both workers then reconcile with it again (each does
    // so on start()), since anvil loses its last second of state to a kill -9.
    const supervisor = embedded?.owned
      ? superviseNode({
          chain: embedded,
          log: log.child({ component: 'node' }),
          reconcile: () => running.election.restartWorkers(),
        })
      : undefined;
    return {
      config,
      secrets,
      conn,
      registry,
      registryVersion,
      admin,
      anchorer,
      embedded,
      db: openDb,
      engine,
      chainOps,
      election,
      blobs,
      app,
      url: `http://${config.host}:${port}`,
      setupToken,
      failed: supervisor?.failed ?? new Promise<MedproofError>(() => undefined),
      async stop() {
        await supervisor?.stop();
        // Stop taking requests and let those in flight finish; meanwhile the workers finish their step
        // and the writer lease is given up at once (another replica takes over without waiting for
        // it to expire). Then storage and chain.
        await Promise.all([running.app.close(), running.election.stop()]);
        await running.auditHeads.stop();
        await running.notifier.stop();
        await openDb.close();
        await embedded?.close();
        sqliteLock?.release();
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await election?.stop().catch(() => undefined);
    await auditHeads?.stop().catch(() => undefined);
    await notifier?.stop().catch(() => undefined);
    await engine?.stop().catch(() => undefined);
    await chainOps?.stop().catch(() => undefined);
    await db?.close();
    await embedded?.close();
    sqliteLock?.release();
    throw error;
  }
}

/**
 * SQLite is single-process: a second `medproof start` on the same database file would run a second
 * engine on the same queue. Refused at once, before the chain is touched (DATABASE_IN_USE).
 */
function lockSqlite(databaseUrl: string): { release(): void } | undefined {
  const path = sqlitePathOf(databaseUrl);
  if (!path) return undefined;
  mkdirSync(dirname(path), { recursive: true });
  const lock = holdPidLock(`${path}.lock`);
  if ('release' in lock) return lock;
  throw new MedproofError(
    'DATABASE_IN_USE',
    `the SQLite database ${path} is in use by ${Number.isNaN(lock.owner) ? 'another process' : `process ${lock.owner}`}: SQLite serves one medproof process (use PostgreSQL for several replicas)`,
  );
}
