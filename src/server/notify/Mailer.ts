import nodemailer from 'nodemailer';
import type { Logger } from '../../log/index.js';

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Stable per outbox row: a message re-sent after a crash carries the same id, so it can be told apart. */
  readonly messageId: string;
}

/** Sends one email; throws when the mail server did not take it (the outbox retries). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly from: string;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
}

/**
 * Email over SMTP with nodemailer: one connection per message (no pool), so a mail server that went
 * away is simply reconnected to on the next attempt. Bounded waits: a hung server fails the attempt.
 */
export function smtpMailer(s: SmtpSettings): Mailer {
  const transport = nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.secure,
    ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      await transport.sendMail({
        from: s.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
      });
    },
  };
}

/**
 * Development only (no MEDPROOF_SMTP_HOST): the mail is written to the log instead, links included,
 * so a reset link can be followed on a laptop. Never run a real portal without SMTP.
 */
export function logMailer(log: Logger): Mailer {
  return {
    send(mail) {
      log.info({ mail: { subject: mail.subject, text: mail.text } }, 'email (no SMTP host set: development)');
      return Promise.resolve();
    },
  };
}
