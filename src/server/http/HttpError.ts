import { MedproofError } from '../../core/errors/MedproofError.js';

/** An expected failure with its HTTP status: `{ error: { code, message, field? } }` to the client. */
export class HttpError extends MedproofError {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly extra: { readonly field?: string; readonly retryAfterSeconds?: number } = {},
  ) {
    super(code, message);
  }
}

export const badRequest = (code: string, message: string, field?: string) =>
  new HttpError(400, code, message, field ? { field } : {});
export const unauthorized = (code = 'AUTH_REQUIRED', message = 'sign in first') =>
  new HttpError(401, code, message);
export const forbidden = (code = 'FORBIDDEN', message = 'not allowed for your role') =>
  new HttpError(403, code, message);
/** Also what another user's document answers: its existence is not revealed. */
export const notFound = (what = 'not found') => new HttpError(404, 'NOT_FOUND', what);
export const conflict = (code: string, message: string) => new HttpError(409, code, message);

/** Status for codes thrown below the HTTP layer (store, chain, core). */
export const STATUS_OF: Record<string, number> = {
  PATIENT_ID_INVALID: 400,
  BAD_DOC_TYPE: 400,
  FILE_MISSING: 404,
  STORAGE_UNAVAILABLE: 503,
  CHAIN_UNREACHABLE: 503,
  INTEGRITY_FAILURE: 500,
};
