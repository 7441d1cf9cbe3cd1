import { badRequest } from '../http/HttpError.js';

const IDEMPOTENCY_KEY_RE = /^[\x20-\x7e]{1,255}$/;

/**
 * The Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header), or undefined without one.
 * The draft makes it a Structured Field string (`"…"`); a bare value is accepted too, as clients send both.
 * Uploads and form-issued certificates share a doctor's keys: each route's fingerprint names the route,
 * so one key used on both is a reused key.
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  let key = Array.isArray(header) ? undefined : header;
  if (key !== undefined && key.length >= 2 && key.startsWith('"') && key.endsWith('"'))
    key = key.slice(1, -1).replace(/\\(["\\])/g, '$1');
  if (key === undefined || !IDEMPOTENCY_KEY_RE.test(key))
    throw badRequest(
      'VALIDATION_FAILED',
      'Idempotency-Key must be 1-255 printable ASCII characters',
      'Idempotency-Key',
    );
  return key;
}

/** A reservation older than an upload may take (plus the issuing transaction) belongs to a dead process. */
export const staleAfterMs = (uploadTimeoutSeconds: number): number => uploadTimeoutSeconds * 1000 + 60_000;

/** The header as the OpenAPI document shows it (checked by idempotencyKeyOf, whose 400 names it). */
export const IDEMPOTENCY_KEY_HEADER_DESCRIPTION =
  'optional, 1-255 printable ASCII characters: a retry with the same key and request gets the first 201 (Idempotent-Replayed: true)';
