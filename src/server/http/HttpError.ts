import { ERROR_CATALOG, MedproofError, type ErrorCatalogEntry, type ErrorCode } from '../../core/index.js';

export interface HttpErrorExtra {
  /** The request field at fault, for the UI to show the message beside it. */
  readonly field?: string;
  /** Sent as `Retry-After`. */
  readonly retryAfterSeconds?: number;
}

/**
 * An expected failure the API answers as `{ error: { code, message, field? } }`. The status is the
 * catalog's for the code, never chosen at the call site, so one code always answers one status.
 */
export class HttpError extends MedproofError {
  override name = 'HttpError';
  readonly status: number;

  constructor(
    code: ErrorCode,
    message: string,
    readonly extra: HttpErrorExtra = {},
  ) {
    super(code, message);
    const entry: ErrorCatalogEntry = ERROR_CATALOG[code];
    // A code without a status is a bug at the call site: answer it as a 500 rather than guess.
    this.status = entry.http ?? 500;
  }
}

export const httpError = (code: ErrorCode, message: string, extra?: HttpErrorExtra) =>
  new HttpError(code, message, extra);
export const badRequest = (code: ErrorCode, message: string, field?: string) =>
  new HttpError(code, message, field ? { field } : {});
export const unauthorized = (code: ErrorCode = 'AUTH_REQUIRED', message = 'sign in first') =>
  new HttpError(code, message);
export const forbidden = (code: ErrorCode = 'FORBIDDEN', message = 'not allowed for your role') =>
  new HttpError(code, message);
/** Also what another user's document answers: its existence is not revealed. */
export const notFound = (what = 'not found') => new HttpError('NOT_FOUND', what);
export const conflict = (code: ErrorCode, message: string) => new HttpError(code, message);
