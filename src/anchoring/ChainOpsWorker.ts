import type { Address, LocalAccount } from 'viem';
import {
  registryFailure,
  registryReaderFor,
  type ChainConnection,
  type RegistryVersion,
} from '../chain/index.js';
import type { Logger } from '../log/index.js';
import { chainOpCounts, nextChainOp, recordOpRetry, type ChainOpRow, type Db } from '../store/index.js';
import { backoffDelay } from './backoff.js';
import { advanceSentOp } from './chainOps/advanceSentOp.js';
import type { ChainOpContext } from './chainOps/ChainOpContext.js';
import { reconcileChainOps } from './chainOps/reconcileChainOps.js';
import { sendPendingOp } from './chainOps/sendPendingOp.js';
import { again, idle, wait, DurableLoop, type StepOutcome } from './worker/DurableLoop.js';

export interface ChainOpsStatus {
  /** Waiting to be applied, including those whose transaction is out. */
  readonly pending: number;
  readonly failed: number;
  readonly lastError: { readonly code: string; readonly message: string } | null;
}

export interface ChainOpsDeps {
  readonly db: Db;
  readonly conn: ChainConnection;
  readonly registry: Address;
  /** Default 1. */
  readonly registryVersion?: RegistryVersion;
  /** The admin key. Never the anchoring engine's account: two writers on one account collide on nonces. */
  readonly account: LocalAccount | undefined;
  readonly log: Logger;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Called after a change reached the chain (the portal drops its cached chain reads). */
  readonly onApplied?: () => void;
}

const IDLE_MAX_MS = 2_000;
const NO_KEY_POLL_MS = 5_000;
const WAITING_POLL_MS = 500;

/**
 * Carries out queued registry changes with the admin key, one at a time: enrolling doctors (v2: a term
 * with their profile commitment; v1: ISSUER_ROLE), retiring a disabled doctor's term, marking a key
 * compromised, and revoking documents (v2: with the leaf's Merkle proof). Each is idempotent (the chain is asked first whether it is already
 * so), and its signed transaction is stored before it is broadcast, so a crash or a retry never
 * double-applies nor re-signs; an outage only delays them. The first step, retried until it passes,
 * re-applies changes the chain lost.
 */
export class ChainOpsWorker {
  private reconciled = false;
  private lastError: ChainOpsStatus['lastError'] = null;
  private readonly ctx: ChainOpContext | undefined;
  private readonly loop: DurableLoop;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly failureCounts = new Map<string, number>();

  constructor(private readonly d: ChainOpsDeps) {
    this.retryBaseMs = d.retryBaseMs ?? 500;
    this.retryMaxMs = d.retryMaxMs ?? 60_000;
    this.ctx = d.account && {
      db: d.db,
      conn: d.conn,
      registry: d.registry,
      registryVersion: d.registryVersion ?? 1,
      account: d.account,
      log: d.log,
      reader: registryReaderFor(d.conn.client, d.registryVersion ?? 1),
      lastBroadcast: new Map(),
    };
    this.loop = new DurableLoop({
      step: () => this.step(),
      errorCode: 'CHAIN_ERROR',
      idleMaxMs: IDLE_MAX_MS,
      retryBaseMs: this.retryBaseMs,
      retryMaxMs: this.retryMaxMs,
      onFailure: (f) => {
        this.lastError = { code: f.code, message: f.message };
        this.count(f.code);
        if (f.error !== undefined) d.log.error({ err: f.error }, 'chain operation step failed unexpectedly');
        else d.log.warn({ code: f.code, retryInMs: f.retryInMs }, f.message);
      },
    });
  }

  start(): void {
    if (this.loop.running) return;
    // Every start reconciles again: the chain may have lost changes while we were stopped.
    this.reconciled = false;
    this.loop.start();
  }

  /** Finishes the step in progress (a signed transaction is already stored), then returns. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  kick(): void {
    this.loop.kick();
  }

  /** Failed steps and operation attempts since this process started, by error code (/metrics). */
  get failures(): ReadonlyMap<string, number> {
    return this.failureCounts;
  }

  private count(code: string): void {
    this.failureCounts.set(code, (this.failureCounts.get(code) ?? 0) + 1);
  }

  async status(): Promise<ChainOpsStatus> {
    const n = await chainOpCounts(this.d.db.kysely);
    return { pending: n.pending + n.sent, failed: n.failed, lastError: this.lastError };
  }

  /** Resolves once no operation is pending (for tests and one-off commands), bounded. */
  async drained(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.status()).pending > 0) {
      if (Date.now() > deadline) throw new Error('chain operations still pending');
      this.kick();
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async step(): Promise<StepOutcome> {
    const ctx = this.ctx;
    if (!ctx) {
      this.lastError = {
        code: 'NO_KEY',
        message: 'registry changes need the admin key (MEDPROOF_KEY)',
      };
      return wait(NO_KEY_POLL_MS);
    }
    if (!this.reconciled) {
      try {
        await reconcileChainOps(ctx);
      } catch (error) {
        const e = registryFailure(error, 'checking applied registry changes');
        return { kind: 'retry', code: e.code, message: e.message };
      }
      this.reconciled = true;
      return again;
    }
    const op = await nextChainOp(this.d.db.kysely);
    if (!op) return idle;
    const waitMs = op.next_attempt_at - Date.now();
    if (waitMs > 0) return wait(Math.min(waitMs, IDLE_MAX_MS));
    try {
      const r = op.status === 'pending' ? await sendPendingOp(ctx, op) : await advanceSentOp(ctx, op);
      if (r.kind === 'pending') return idle;
      if (r.kind === 'waiting') {
        // Not an error: a revocation waits for its document's anchor (seconds), looking again shortly.
        await recordOpRetry(this.d.db.kysely, op.id, op.status, r.message, Date.now() + WAITING_POLL_MS);
        return wait(WAITING_POLL_MS);
      }
      if (r.kind === 'alreadyApplied' || r.kind === 'applied') this.d.onApplied?.();
      this.lastError = null;
      return again;
    } catch (error) {
      return this.retryLater(op, error);
    }
  }

  /** Node down, no gas money, anything unexpected from the chain: the operation waits, backing off. */
  private async retryLater(op: ChainOpRow, error: unknown): Promise<StepOutcome> {
    const { code, message } = registryFailure(error, op.kind);
    const delay = backoffDelay(op.attempts, this.retryBaseMs, this.retryMaxMs);
    await recordOpRetry(this.d.db.kysely, op.id, op.status, message, Date.now() + delay);
    this.lastError = { code, message };
    this.count(code);
    this.d.log.warn({ op: op.id, kind: op.kind, code, retryInMs: delay }, message);
    return wait(delay);
  }
}
