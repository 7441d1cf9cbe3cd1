import { MedproofError } from '../../core/index.js';

// What busboy and @fastify/multipart throw for a body that is not well-formed multipart.
const MALFORMED =
  /unexpected end of (form|multipart)|boundary not found|malformed part header|multipart: |part terminated early|invalid multipart/i;

/**
 * A client's broken multipart body as the 400 it is: no boundary, a wrong boundary, a truncated body,
 * more than one file or too many fields. Anything else is returned unchanged (a storage fault stays
 * STORAGE_UNAVAILABLE, a bug stays a 500).
 */
export function multipartError(error: unknown): unknown {
  if (error instanceof MedproofError) return error;
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (code === 'FST_FILES_LIMIT')
    return new MedproofError('VALIDATION_FAILED', 'send exactly one file, in the field "file"', {
      field: 'file',
    });
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return new MedproofError('MALFORMED_UPLOAD', 'the upload has too many parts');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || MALFORMED.test(message))
    return new MedproofError('MALFORMED_UPLOAD', 'the upload is not a well-formed multipart/form-data body');
  return error;
}
