import type { Db } from '../db/Db.js';
import { appendAudit, type AuditEvent } from './appendAudit.js';

/**
 * Group commit for audit events that are a transaction of their own (verifications, views, downloads):
 * events arriving together are appended in one transaction, so a burst shares one fsync. Each caller
 * still waits until its row is committed: nothing is answered before it is audited. Events that go
 * with another change use appendAudit inside that change's transaction instead.
 */
export class AuditWriter {
  private queue: { event: AuditEvent; at: number; done: () => void; fail: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 256,
  ) {}

  append(event: AuditEvent): Promise<void> {
    return new Promise((done, fail) => {
      this.queue.push({ event, at: Date.now(), done, fail });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    // Let events from requests already in flight join this batch.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.db.kysely.transaction().execute(async (trx) => {
          for (const item of batch) await appendAudit(trx, item.event, item.at);
        });
        for (const item of batch) item.done();
      } catch (error) {
        for (const item of batch) item.fail(error);
      }
    }
    this.flushing = undefined;
  }
}
