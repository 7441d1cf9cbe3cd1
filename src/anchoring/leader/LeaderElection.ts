import { performance } from 'node:perf_hooks';
import type { DatabaseConnection } from 'kysely';
import { isMedproofError } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import {
  assertLeaseHeld,
  claimLease,
  releaseLease,
  type Db,
  type LeaseToken,
  type WriteGuard,
} from '../../store/index.js';
import { DurableLoop, wait, type StepOutcome } from '../worker/DurableLoop.js';

export interface LeaderElectionOptions {
  /** The plain database (the lease itself is never written through the guard). */
  readonly db: Db;
  readonly name: string;
  /** This replica's name in the lease row (unique per process). */
  readonly holder: string;
  /** A lease not renewed for this long may be taken over; a follower takes over within about 1.2 × this. */
  readonly ttlMs: number;
  readonly log: Logger;
  /** Starts the workers: this replica now holds the lease. */
  readonly onElected: () => Promise<void>;
  /** Stops the workers (lets their step in progress finish): the lease is lost or being given up. */
  readonly onDeposed: () => Promise<void>;
}

/**
 * Who runs the writers (anchoring engine, chain-operations worker) among replicas on one PostgreSQL:
 * the holder of a lease row (see writerLease). The leader renews it every ttl/3; followers try to win
 * it every ttl/5, so a leader killed with `kill -9` is replaced within about 1.2 × ttl. Every write of
 * the workers goes through {@link guard}, which checks the lease's fencing token inside the write's own
 * transaction: a leader that stalled past its lease and was replaced cannot commit a step, and since
 * every signed transaction is committed before it is broadcast, it cannot send one either.
 *
 * SQLite is single-process (the data folder's lock): there the only process always leads, no lease.
 */
export class LeaderElection {
  private token: LeaseToken | undefined;
  /** When the lease was last renewed, by this process's monotonic clock. */
  private renewedAt = 0;
  private transitions: Promise<void> = Promise.resolve();
  private readonly loop: DurableLoop;
  private readonly single: boolean;
  private firstAttempt: (() => void) | undefined;
  private stopping = false;

  constructor(private readonly o: LeaderElectionOptions) {
    this.single = o.db.guarded === undefined;
    this.loop = new DurableLoop({
      step: () => this.step(),
      errorCode: 'ENGINE_ERROR',
      idleMaxMs: o.ttlMs,
      retryBaseMs: Math.max(50, Math.floor(o.ttlMs / 10)),
      retryMaxMs: Math.max(100, Math.floor(o.ttlMs / 5)),
      onFailure: (f) => o.log.warn({ code: f.code, retryInMs: f.retryInMs }, `writer lease: ${f.message}`),
    });
  }

  /** Whether this replica runs the writers now. */
  get leading(): boolean {
    return this.single || this.token !== undefined;
  }

  get holder(): string {
    return this.o.holder;
  }

  /** The fencing token held, if any (tests, status). */
  get epoch(): number | undefined {
    return this.token?.epoch;
  }

  /** The check every write of the workers runs in its own transaction (see guardedPostgres). */
  readonly guard: WriteGuard = async (conn: DatabaseConnection) => {
    try {
      // Half the lease: a frozen holder's open transaction is gone before the lease runs out.
      await assertLeaseHeld(conn, this.token, this.o.ttlMs / 2);
    } catch (error) {
      // Someone else leads: look at the lease now rather than at the next renewal.
      if (isMedproofError(error, 'LEASE_LOST') && !this.stopping) this.loop.kick();
      throw error;
    }
  };

  /**
   * Starts electing. Resolves after the first attempt and, when it won, after the workers started:
   * a lone replica is as ready when this returns as a process that never needed a lease.
   */
  async start(): Promise<void> {
    if (this.single) {
      await this.transition(() => this.o.onElected());
      return;
    }
    const attempted = new Promise<void>((resolve) => (this.firstAttempt = resolve));
    this.loop.start();
    await attempted;
    await this.transitions;
  }

  /** Stops the workers (their last step commits under the lease), then gives the lease up at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
    await this.transitions;
    if (this.leading) await this.o.onDeposed();
    const token = this.token;
    this.token = undefined;
    if (token) {
      await releaseLease(this.o.db.kysely, token).catch((error: unknown) =>
        this.o.log.warn({ err: error }, 'could not release the writer lease; it expires by itself'),
      );
      this.o.log.info({ holder: token.holder, epoch: token.epoch }, 'writer lease released');
    }
  }

  /** Stops and starts the workers again if this replica leads (the embedded node came back). */
  restartWorkers(): Promise<void> {
    return this.transition(async () => {
      if (!this.leading) return;
      await this.o.onDeposed();
      await this.o.onElected();
    });
  }

  private transition(run: () => Promise<void>): Promise<void> {
    this.transitions = this.transitions
      .then(run)
      .catch((error: unknown) => this.o.log.error({ err: error }, 'starting or stopping the writers failed'));
    return this.transitions;
  }

  private async step(): Promise<StepOutcome> {
    try {
      return await this.claim();
    } finally {
      this.firstAttempt?.();
      this.firstAttempt = undefined;
    }
  }

  private async claim(): Promise<StepOutcome> {
    const { db, name, holder, ttlMs, log } = this.o;
    const mine = this.token;
    let won: LeaseToken | undefined;
    try {
      won = await claimLease(db.kysely, name, holder, ttlMs, mine?.epoch);
    } catch (error) {
      // The database is out of reach: past the lease's time another replica may lead; stop our
      // writers (the guard refuses their commits anyway) until the lease is ours again.
      if (mine && performance.now() - this.renewedAt > ttlMs)
        this.depose('could not renew the lease in time');
      throw error;
    }
    if (won) this.renewedAt = performance.now();
    if (mine && won?.epoch !== mine.epoch) this.depose('another replica holds the lease');
    if (won && won.epoch !== mine?.epoch) {
      this.token = won;
      log.info({ holder, epoch: won.epoch }, 'this replica leads: starting the writers');
      void this.transition(() => this.o.onElected());
    }
    return wait(Math.floor(this.token ? ttlMs / 3 : ttlMs / 5));
  }

  private depose(why: string): void {
    if (!this.token) return;
    this.o.log.warn(
      { holder: this.o.holder, epoch: this.token.epoch, why },
      'writer lease lost: stopping the writers',
    );
    this.token = undefined;
    void this.transition(() => this.o.onDeposed());
  }
}
