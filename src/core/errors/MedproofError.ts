/**
 * The one error class medproof throws. `code` is stable and listed in the README's error table;
 * `message` is one short line a user can act on; `details` is extra context for logs (never secrets).
 * Expected failures (a bad receipt, a tampered file) are returned as results, not thrown: only
 * things the caller cannot go on from are thrown.
 */
export class MedproofError extends Error {
  override name = 'MedproofError';
  readonly code: string;
  readonly details: string | undefined;

  constructor(code: string, message: string, options: { cause?: unknown; details?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

export function isMedproofError(error: unknown, code?: string): error is MedproofError {
  return error instanceof MedproofError && (code === undefined || error.code === code);
}
