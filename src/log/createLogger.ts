import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines to stderr. Redaction is by field name, so a secret logged by mistake under a known name
 * never reaches the log: keys, tokens, passwords, patient ids and file contents.
 */
export const REDACT_PATHS = [
  'key',
  '*.key',
  'anchorKey',
  '*.anchorKey',
  'password',
  '*.password',
  'token',
  '*.token',
  'patientId',
  '*.patientId',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'raw',
  '*.raw',
  'mnemonic',
  '*.mnemonic',
];

export function createLogger(level = 'info', destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } },
    destination,
  );
}

/** A logger that drops everything: for tests and one-shot commands that print their own output. */
export const silentLogger: Logger = pino({ level: 'silent' });
