import type { Address } from 'viem';
import type { Logger } from '../../log/index.js';
import { commitAuditHead, type Db } from '../../store/index.js';
import { DurableLoop, wait } from '../worker/DurableLoop.js';

export interface AuditHeadCommitterDeps {
  readonly db: Db;
  /** The address named as the leaf's issuer: the engine's, which anchors it. */
  readonly issuer: Address;
  /** How often the head is committed (when it moved); 0 never starts the loop. */
  readonly everyMs: number;
  /** Told when a head was queued, so the engine looks at once. */
  readonly onQueued: () => void;
  readonly log: Logger;
}

/**
 * Every `everyMs`, puts the audit log's head into the anchor queue (if it moved since the last one):
 * a leaf in the engine's next ordinary batch, so `audit verify` can tell a history rewritten before it.
 * The first commit is one period after start, not at start: a start adds no leaf of its own to the
 * first batch, and a restart loop cannot flood the chain with heads.
 */
export class AuditHeadCommitter {
  private readonly loop: DurableLoop;
  private started = false;

  constructor(private readonly d: AuditHeadCommitterDeps) {
    this.loop = new DurableLoop({
      step: () => this.step(),
      errorCode: 'ENGINE_ERROR',
      idleMaxMs: d.everyMs,
      retryBaseMs: 1000,
      retryMaxMs: Math.max(1000, d.everyMs),
      onFailure: (f) =>
        d.log.warn({ code: f.code, retryInMs: f.retryInMs }, `audit head not committed: ${f.message}`),
    });
  }

  start(): void {
    if (this.d.everyMs > 0) this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async step() {
    if (!this.started) {
      this.started = true;
      return wait(this.d.everyMs);
    }
    const queued = await commitAuditHead(this.d.db.kysely, { issuer: this.d.issuer });
    if (queued) {
      this.d.log.info({ seq: queued.seq, leaf: queued.leaf }, 'audit head queued for anchoring');
      this.d.onQueued();
    }
    return wait(this.d.everyMs);
  }
}
