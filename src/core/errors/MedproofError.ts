import type { ErrorCode } from './errorCatalog.js';

/**
 * The one error class medproof throws. `code` is one of the catalog's (errorCatalog.ts), so an
 * unlisted code is a compile error; `message` is one short line a user can act on; `details` is extra
 * context for logs (never secrets). `field` names the input a caller got wrong and
 * `retryAfterSeconds` says when trying again makes sense: the HTTP layer turns both into its answer,
 * so lower layers (store, core) never build HTTP errors. Expected failures (a bad receipt, a tampered
 * file) are returned as results, not thrown: only things the caller cannot go on from are thrown.
 */
/** A registry-wide symbol (`Symbol.for`): the same in every copy of this module, bundled or not. */
const BRAND = Symbol.for('medproof.MedproofError');

export class MedproofError extends Error {
  override name = 'MedproofError';
  /** Marks every MedproofError and subclass (HttpError, IntegrityError), whichever copy made it. */
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly details: string | undefined;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: string; field?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * By brand, not `instanceof`: a bundled command (the CLI's `verify`, see scripts/bundleCli.mjs) carries
 * its own copy of this class, and its errors must still be recognised by the code around it; subclasses
 * (HttpError, IntegrityError) keep their own names and are recognised too.
 */
export function isMedproofError(error: unknown, code?: ErrorCode): error is MedproofError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { [BRAND]?: unknown })[BRAND] === true &&
    (code === undefined || (error as MedproofError).code === code)
  );
}
