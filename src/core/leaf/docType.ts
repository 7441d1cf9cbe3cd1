import { fail, ok, type Result } from '../errors/Result.js';

/** Document types the UI offers; any lower-case identifier is accepted so institutions can add their own. */
export const DOC_TYPES = [
  'report',
  'certificate',
  'prescription',
  'treatment-summary',
  'lab-result',
] as const;

const DOC_TYPE_RE = /^[a-z][a-z0-9-]{0,63}$/;

export function parseDocType(input: string): Result<string, 'BAD_DOC_TYPE'> {
  const t = input.trim().toLowerCase();
  return DOC_TYPE_RE.test(t)
    ? ok(t)
    : fail(
        'BAD_DOC_TYPE',
        'document type must be 1-64 characters: lower-case letters, digits and hyphens, starting with a letter',
      );
}
