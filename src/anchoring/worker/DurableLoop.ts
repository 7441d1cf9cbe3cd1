import { backoffDelay } from '../backoff.js';

/**
 * What one step says about the next one:
 * - `again`: there is more to do now;
 * - `wait`: nothing can happen for `ms` (a batch filling up, a retry time stored on a row);
 * - `idle`: waiting on the outside world (a receipt, new work): poll soon, backing off to the idle ceiling;
 * - `retry`: a transient failure (node down): back off, doubling with each failure in a row.
 */
export type StepOutcome =
  | { readonly kind: 'again' }
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'idle' }
  | { readonly kind: 'retry'; readonly code: string; readonly message: string; readonly error?: unknown };

export const again: StepOutcome = { kind: 'again' };
export const idle: StepOutcome = { kind: 'idle' };
export const wait = (ms: number): StepOutcome => ({ kind: 'wait', ms });

export interface DurableLoopOptions {
  /** One unit of progress. A throw is a bug: it is reported with `errorCode` and retried with backoff, like `retry`. */
  readonly step: () => Promise<StepOutcome>;
  /** The stable code a throwing step is reported with (e.g. ENGINE_ERROR). */
  readonly errorCode: string;
  /** Longest pause while idle; idle polls start at a few ms and double up to this. */
  readonly idleMaxMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Told of every failure, with the delay chosen (for status and logs). */
  readonly onFailure?: (failure: {
    code: string;
    message: string;
    error?: unknown;
    retryInMs: number;
  }) => void;
}

const FIRST_IDLE_MS = 5;

/**
 * The one worker loop the anchoring engine and the chain-operations worker run on: one step at a
 * time, never two at once, so a worker's state changes stay serialized. `stop` lets the step in
 * progress finish (what it committed stays committed) and resolves after it; `kick` cuts a wait short.
 */
export class DurableLoop {
  private active = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private failures = 0;
  private idleMs = FIRST_IDLE_MS;

  constructor(private readonly o: DurableLoopOptions) {}

  get running(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.active = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Something changed (new work): run the next step now rather than after the current wait. */
  kick(): void {
    this.kicked = true;
    this.idleMs = FIRST_IDLE_MS;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.active) {
      this.kicked = false;
      const ms = this.delayAfter(await this.runStep());
      if (!this.active) break;
      // Even "again" yields to the event loop once, so a busy worker never starves the requests it serves.
      await this.sleep(ms);
    }
  }

  private async runStep(): Promise<StepOutcome> {
    try {
      return await this.o.step();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: 'retry', code: this.o.errorCode, message, error };
    }
  }

  private delayAfter(outcome: StepOutcome): number {
    if (outcome.kind === 'retry') {
      const ms = backoffDelay(this.failures++, this.o.retryBaseMs, this.o.retryMaxMs);
      this.o.onFailure?.({ ...outcome, retryInMs: ms });
      return ms;
    }
    this.failures = 0;
    if (outcome.kind === 'again') {
      this.idleMs = FIRST_IDLE_MS;
      return 0;
    }
    if (outcome.kind === 'wait') return Math.max(0, outcome.ms);
    const ms = this.idleMs;
    this.idleMs = Math.min(this.idleMs * 2, this.o.idleMaxMs);
    return ms;
  }

  private sleep(ms: number): Promise<void> {
    // A kick that arrived during the step is not lost: the next step runs at once.
    if (this.kicked || ms === 0) return new Promise((r) => setImmediate(r));
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
    });
  }
}
