import { EventEmitter } from 'node:events';
import type { Address, Hex, LocalAccount } from 'viem';
import {
  isUnreachable,
  registryReaderFor,
  shortMessage,
  type ChainConnection,
  type RegistryVersion,
} from '../chain/index.js';
import { isMedproofError } from '../core/index.js';
import type { Logger } from '../log/index.js';
import {
  batchesIn,
  confirmedToRecheck,
  leafStatuses,
  queueStats,
  type Db,
  type QueueStats,
} from '../store/index.js';
import { advanceSent } from './batch/advanceSent.js';
import type { BatchContext } from './batch/BatchContext.js';
import { buildDueBatch } from './batch/buildDueBatch.js';
import { confirmMined } from './batch/confirmMined.js';
import { guardBatchStep } from './batch/guardBatchStep.js';
import { recheckConfirmed } from './batch/recheckConfirmed.js';
import { reconcileAnchored } from './batch/reconcileAnchored.js';
import { reconcileChainOps } from './chainOps/reconcileChainOps.js';
import { sendBuilt } from './batch/sendBuilt.js';
import { asTransient } from './batch/Transient.js';
import { checkChainFacts } from './checkChainFacts.js';
import type { EngineSettings } from './EngineSettings.js';
import { again, idle, wait, DurableLoop, type StepOutcome } from './worker/DurableLoop.js';

export interface EngineDeps {
  readonly db: Db;
  readonly conn: ChainConnection;
  readonly registry: Address;
  /** The one account this engine sends from. Never share it with another writer: nonces are ours. */
  readonly account: LocalAccount;
  readonly settings: EngineSettings;
  readonly log: Logger;
  /** Which registry contract `registry` is (default 1). `anchor(root, leafCount)` and `Anchored` are alike in both; the views differ. */
  readonly registryVersion?: RegistryVersion;
}

export interface EngineStatus {
  readonly running: boolean;
  /** False until the start-up reconciliation with the chain has passed; nothing is sent before. */
  readonly reconciled: boolean;
  /** Set when anchoring cannot go on without a person (wrong chain, no funds, no role). Uploads continue. */
  readonly paused: { readonly code: string; readonly message: string } | null;
  readonly lastError: { readonly code: string; readonly message: string; readonly at: number } | null;
  readonly account: Address;
  readonly chainId: number;
  readonly registry: Address;
  readonly queue: QueueStats;
}

const PAUSED_POLL_MS = 5_000;
/** Confirmed batches re-checked per pass (at most one pass per poll interval): a few, oldest check first. */
const RECHECKS_PER_PASS = 4;
const DEFAULT_FINALITY_DEPTH = 12;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The durable anchoring engine: one serialized writer per sending account.
 *
 * Leaves enter the queue in the caller's own transaction (outbox). The engine groups them into batches
 * (`batchMax` leaves, or whatever waited `batchWaitMs`), anchors each batch's Merkle root, and walks
 * it through built → sent → mined → confirmed (one small function per state, under batch/), committing
 * every step before acting on it and naming the state each change expects. One transaction is in
 * flight at a time: nonces stay consecutive, and anvil never sees the floods that stall its automine.
 *
 * Its first step, retried with backoff until it passes, re-checks what the database holds as anchored
 * against the chain: anchors a reorg or a dev node's restart lost are sent again with the same root,
 * so receipts already handed out verify again. Nothing is sent before that.
 */
export class AnchorEngine extends EventEmitter<{ confirmed: [batchId: number]; idle: [] }> {
  private reconciled = false;
  private firstAttempt: (() => void) | undefined;
  private paused: EngineStatus['paused'] = null;
  private lastError: EngineStatus['lastError'] = null;
  private readonly ctx: BatchContext;
  private readonly loop: DurableLoop;
  private lastRecheckAt = 0;
  private readonly failureCounts = new Map<string, number>();

  constructor(private readonly d: EngineDeps) {
    super();
    const settings = {
      retryBaseMs: 500,
      retryMaxMs: 60_000,
      finalityDepth: DEFAULT_FINALITY_DEPTH,
      ...d.settings,
    };
    this.ctx = {
      db: d.db,
      conn: d.conn,
      registry: d.registry,
      registryVersion: d.registryVersion ?? 1,
      account: d.account,
      settings,
      log: d.log,
      reader: registryReaderFor(d.conn.client, d.registryVersion ?? 1),
      lastBroadcast: new Map(),
    };
    this.loop = new DurableLoop({
      step: () => this.step(),
      errorCode: 'ENGINE_ERROR',
      idleMaxMs: settings.pollMs,
      retryBaseMs: settings.retryBaseMs,
      retryMaxMs: settings.retryMaxMs,
      onFailure: (f) => {
        this.note(f.code, f.message);
        if (f.error !== undefined)
          d.log.error({ err: f.error, retryInMs: f.retryInMs }, 'anchoring step failed unexpectedly');
        else d.log.warn({ code: f.code, retryInMs: f.retryInMs }, f.message);
      },
    });
  }

  /**
   * Starts the loop, whose first step reconciles with the chain (retried until the chain answers).
   * Resolves after that step's first attempt, passed or not: with the chain up, what the database says
   * is anchored has been checked by then.
   */
  async start(): Promise<void> {
    if (this.loop.running) return;
    // Every start reconciles again: the chain may have changed while we were stopped.
    this.reconciled = false;
    this.paused = null;
    const attempted = new Promise<void>((resolve) => (this.firstAttempt = resolve));
    this.loop.start();
    await attempted;
  }

  /** Finishes the step in progress (a signed transaction is already stored), then returns. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** New leaves are waiting: look now rather than at the next tick. */
  kick(): void {
    this.loop.kick();
  }

  async status(): Promise<EngineStatus> {
    return {
      running: this.loop.running,
      reconciled: this.reconciled,
      paused: this.paused,
      lastError: this.lastError,
      account: this.d.account.address,
      chainId: this.d.conn.chainId,
      registry: this.d.registry,
      queue: await queueStats(this.d.db.kysely),
    };
  }

  /** Why anchoring is paused (CHAIN_MISMATCH, …), or null: what /health reports as degraded. */
  get pausedState(): EngineStatus['paused'] {
    return this.paused;
  }

  /** Failed steps since this process started, by error code (/metrics' chain errors). */
  get failures(): ReadonlyMap<string, number> {
    return this.failureCounts;
  }

  private note(code: string, message: string): void {
    this.lastError = { code, message, at: Date.now() };
    this.failureCounts.set(code, (this.failureCounts.get(code) ?? 0) + 1);
    // Whatever answers once the chain is back may be another chain, or the same node restarted from an
    // older state file: reconcile again (chain facts, then every anchored batch) before going on.
    if (code === 'CHAIN_UNREACHABLE') this.recheckChain('chain unreachable');
  }

  /** A surprise (reconnection, nonce gap, a lost confirmed root): the next step reconciles again. */
  private recheckChain(why: string): void {
    if (this.reconciled) this.d.log.warn({ why }, 'checking the chain again before anchoring on');
    this.reconciled = false;
  }

  private pause(code: string, message: string): StepOutcome {
    this.paused = { code, message };
    this.d.log.error({ code }, message);
    return wait(PAUSED_POLL_MS);
  }

  private async step(): Promise<StepOutcome> {
    if (this.paused) return wait(PAUSED_POLL_MS);
    if (!this.reconciled) return this.reconcile();
    const outcome = await this.batchStep();
    if (outcome.kind === 'again') this.lastError = null;
    else this.emit('idle');
    return outcome;
  }

  /** The start-up step: the registry is where we think, and the chain still holds what we recorded. */
  private async reconcile(): Promise<StepOutcome> {
    try {
      return await this.tryReconcile();
    } finally {
      this.firstAttempt?.();
      this.firstAttempt = undefined;
    }
  }

  private async tryReconcile(): Promise<StepOutcome> {
    try {
      await checkChainFacts(this.ctx);
      await reconcileChainOps(this.ctx);
      const r = await reconcileAnchored(this.ctx);
      this.reconciled = true;
      this.lastError = null;
      this.d.log.info({ lost: r.lost, moved: r.moved }, 'anchored batches reconciled with the chain');
      return again;
    } catch (error) {
      if (isMedproofError(error, 'CHAIN_MISMATCH')) {
        // Anchoring into a chain that does not hold our registry would hand out receipts nobody can verify.
        return this.pause(error.code, error.message);
      }
      if (isUnreachable(error))
        return {
          kind: 'retry',
          code: 'CHAIN_UNREACHABLE',
          message: `chain unreachable at start: ${shortMessage(error)}`,
        };
      throw error;
    }
  }

  /** One unit of progress on the batches: the one in flight first, then mined ones, then the next to send or build. */
  private async batchStep(): Promise<StepOutcome> {
    const { db, conn, registry } = this.d;
    const ctx = this.ctx;
    const rechecked = await this.recheckPass();
    if (rechecked) return rechecked;
    const active = await batchesIn(db.kysely, conn.chainId, registry, ['sent', 'mined', 'built']);

    const sent = active.find((b) => b.status === 'sent');
    if (sent) {
      const r = await guardBatchStep(ctx, sent, () => advanceSent(ctx, sent));
      switch (r.kind) {
        case 'retrying':
          this.note(r.code, r.message);
          return wait(r.waitMs);
        case 'pending':
          return idle;
        case 'mined':
          if (r.confirmed) this.emit('confirmed', sent.id);
          return again;
        case 'reset':
          if (r.surprise) this.recheckChain(r.reason);
          return again;
        case 'noEvent':
          return this.pause(
            'CHAIN_MISMATCH',
            (await this.mismatchOf()) ??
              `transaction ${r.txHash} succeeded without the registry's Anchored event: the chain at ${conn.rpcUrl} is not the one anchored into`,
          );
        default:
          return again;
      }
    }

    // Mined batches wait for depth; meanwhile the next batch may go out.
    let confirmed = false;
    for (const mined of active.filter((b) => b.status === 'mined')) {
      const r = await guardBatchStep(ctx, mined, () => confirmMined(ctx, mined));
      if (r.kind === 'confirmed') {
        this.emit('confirmed', mined.id);
        confirmed = true;
      } else if (r.kind === 'retrying') this.note(r.code, r.message);
      else if (r.kind !== 'shallow' && r.kind !== 'txMissing') return again;
    }

    const built = active.find((b) => b.status === 'built');
    if (built) {
      const r = await guardBatchStep(ctx, built, () => sendBuilt(ctx, built));
      switch (r.kind) {
        case 'notDue':
          return wait(r.waitMs);
        case 'retrying':
          this.note(r.code, r.message);
          return wait(r.waitMs);
        default:
          return again;
      }
    }

    const due = await buildDueBatch(ctx);
    switch (due.kind) {
      case 'built':
        return again;
      case 'notDue':
        return wait(due.waitMs);
      case 'empty':
        return confirmed ? again : idle;
    }
  }

  /** The chain facts check's CHAIN_MISMATCH message, or undefined when the chain passes it. */
  private async mismatchOf(): Promise<string | undefined> {
    try {
      await checkChainFacts(this.ctx);
      return undefined;
    } catch (error) {
      if (isMedproofError(error, 'CHAIN_MISMATCH')) return error.message;
      throw error;
    }
  }

  /**
   * At most once per poll interval, a few confirmed batches (least recently checked first) are checked
   * against the chain again, until final. A lost one sends the engine back to reconciliation: where one
   * root went, others may have gone too, and the chain itself may be another.
   */
  private async recheckPass(): Promise<StepOutcome | undefined> {
    const now = Date.now();
    if (now - this.lastRecheckAt < this.ctx.settings.pollMs) return undefined;
    this.lastRecheckAt = now;
    const { db, conn, registry } = this.d;
    const due = await confirmedToRecheck(db.kysely, conn.chainId, registry, RECHECKS_PER_PASS);
    if (due.length === 0) return undefined;
    try {
      const head = Number(await conn.client.getBlockNumber({ cacheTime: 0 }));
      const finalized = await this.finalizedBlock();
      for (const batch of due) {
        const r = await guardBatchStep(this.ctx, batch, () =>
          recheckConfirmed(this.ctx, batch, head, finalized),
        );
        if (r.kind === 'retrying') {
          this.note(r.code, r.message);
          return wait(r.waitMs);
        }
        if (r.kind === 'reanchoring' || r.kind === 'adopted') {
          this.recheckChain(`confirmed batch ${batch.id} is no longer where it was`);
          return again;
        }
      }
    } catch (error) {
      const t = asTransient(error, this.d.account.address);
      if (t) return { kind: 'retry', code: t.code, message: t.message };
      // The registry cannot even be read (no code at its address answers no data): check the chain itself.
      this.d.log.warn({ err: error }, 're-checking a confirmed batch failed; checking the chain again');
      this.recheckChain('re-check failed');
      return again;
    }
    return undefined;
  }

  /** The chain's finalized block, or 0 where it has none (anvil says 0; older nodes reject the tag). */
  private async finalizedBlock(): Promise<number> {
    try {
      return Number((await this.d.conn.client.getBlock({ blockTag: 'finalized' })).number ?? 0n);
    } catch (error) {
      if (asTransient(error, this.d.account.address)) throw error;
      return 0;
    }
  }

  /** Resolves when every given leaf is anchored (confirmed); rejects if its batch failed or after `timeoutMs`. */
  async whenAnchored(leaves: readonly Hex[], timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let pending = leaves.map((l) => l.toLowerCase() as Hex);
    while (pending.length > 0) {
      const rows = await leafStatuses(this.d.db.kysely, pending);
      const failed = rows.find((r) => r.batchStatus === 'failed');
      if (failed) throw new Error(`leaf ${failed.leaf} is in a failed batch`);
      const done = new Set(rows.filter((r) => r.status === 'anchored').map((r) => r.leaf));
      pending = pending.filter((l) => !done.has(l));
      if (pending.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(`${pending.length} leaves not anchored after ${timeoutMs} ms`);
      // Wake on the next confirmation or after 200 ms, whichever is first; never leave the listener behind.
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.off('confirmed', done);
          resolve();
        };
        const timer = setTimeout(done, 200);
        this.once('confirmed', done);
      });
      // Many leaves: look again at most every 100 ms, or the waiting itself starves the engine.
      if (pending.length > 64) await sleep(100);
    }
  }
}
