import { DurableLoop, again, backoffDelay, idle, type StepOutcome } from '../../anchoring/index.js';
import { parsePatientId } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import type { NotificationOutbox } from '../../store/index.js';
import type { Mailer } from './Mailer.js';
import { renderNotification } from './renderNotification.js';
import type { SmsProvider } from './SmsProvider.js';

export interface NotificationWorkerOptions {
  readonly outbox: NotificationOutbox;
  readonly mailer: Mailer;
  readonly sms: SmsProvider;
  readonly publicUrl: string;
  readonly log: Logger;
  /** A failed message waits this long before its next attempt, doubling per attempt up to `retryMaxMs`. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

/**
 * Sends the outbox, one message per step, on the same DurableLoop as the anchoring engine. A message is
 * claimed (one worker wins), sent, then marked sent; a transport failure (mail server down) puts it
 * back with its own backoff and the loop moves on to others. Nothing is lost while the mail server is
 * down and nothing sent is sent again: only a crash in the instant between the server's acceptance
 * and the mark could repeat a message after its lease, and it would carry the same Message-ID.
 */
export class NotificationWorker {
  private readonly loop: DurableLoop;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  constructor(private readonly o: NotificationWorkerOptions) {
    this.retryBaseMs = o.retryBaseMs ?? 500;
    this.retryMaxMs = o.retryMaxMs ?? 60_000;
    this.loop = new DurableLoop({
      step: () => this.step(),
      errorCode: 'NOTIFY_ERROR',
      idleMaxMs: 1000,
      retryBaseMs: 500,
      retryMaxMs: 30_000,
      onFailure: (f) => o.log.warn({ code: f.code, err: f.error, retryInMs: f.retryInMs }, f.message),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** New messages were queued: look now rather than at the next idle poll. */
  kick(): void {
    this.loop.kick();
  }

  private async step(): Promise<StepOutcome> {
    const n = await this.o.outbox.claimNext();
    if (!n) return idle;
    if (n.to === undefined) {
      // The account is gone or disabled: nothing to send, and nothing to retry.
      await this.o.outbox.markSent(n);
      return again;
    }
    const message = renderNotification(n.kind, n.params, this.o.publicUrl);
    try {
      if (n.channel === 'sms') {
        const id = parsePatientId(
          n.to.slice(n.to.indexOf(':') + 1),
          n.to.slice(0, n.to.indexOf(':')) as never,
        );
        if (!id.ok) {
          await this.o.outbox.markSent(n);
          return again;
        }
        await this.o.sms.send(id.value, message.text);
      } else {
        await this.o.mailer.send({ to: n.to, ...message, messageId: `<${n.id}@medproof>` });
      }
    } catch (error) {
      const retryInMs = backoffDelay(n.attempts - 1, this.retryBaseMs, this.retryMaxMs);
      // A mail server's refusal may quote the recipient: no address goes into the log or the row.
      const why = (error instanceof Error ? error.message : String(error)).replace(
        /[^\s<>]+@[^\s<>]+/g,
        '[address]',
      );
      this.o.log.warn(
        { code: 'NOTIFY_SEND_FAILED', kind: n.kind, channel: n.channel, attempts: n.attempts, retryInMs },
        `a notification could not be sent (retried): ${why}`,
      );
      await this.o.outbox.markFailed(n, why, Date.now() + retryInMs);
      return again;
    }
    await this.o.outbox.markSent(n);
    return again;
  }
}
