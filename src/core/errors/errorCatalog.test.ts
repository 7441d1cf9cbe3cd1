import { describe, expect, it } from 'vitest';
import {
  ERROR_CATALOG,
  exitCodeOf,
  httpStatusOf,
  isErrorCode,
  type ErrorCatalogEntry,
} from './errorCatalog.js';

const entries = Object.entries(ERROR_CATALOG) as [string, ErrorCatalogEntry][];

describe('ERROR_CATALOG', () => {
  it('names every code in SCREAMING_SNAKE_CASE with a one-line meaning and at least one place', () => {
    for (const [code, e] of entries) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(e.meaning.trim(), code).not.toBe('');
      expect(e.meaning, code).not.toContain('\n');
      expect(e.where.length, code).toBeGreaterThan(0);
      expect(new Set(e.where).size, code).toBe(e.where.length);
    }
  });

  it('gives an HTTP status (4xx or 5xx) exactly to the codes the API answers', () => {
    for (const [code, e] of entries) {
      expect(e.http !== undefined, code).toBe(e.where.includes('API'));
      if (e.http !== undefined) {
        expect(Number.isInteger(e.http), code).toBe(true);
        expect(e.http >= 400 && e.http <= 599, `${code}: ${e.http}`).toBe(true);
      }
    }
  });

  it('gives CLI exit codes only in 0..2, and 0 only to VALID', () => {
    for (const [code, e] of entries) {
      if (e.exit === undefined) continue;
      expect([0, 1, 2], code).toContain(e.exit);
      if (e.exit === 0) expect(code).toBe('VALID');
    }
  });

  it('answers the verification verdicts with the documented exit codes', () => {
    expect(exitCodeOf('VALID')).toBe(0);
    for (const c of ['TAMPERED', 'NOT_ANCHORED', 'REVOKED', 'UNKNOWN_ISSUER'])
      expect(exitCodeOf(c), c).toBe(1);
    expect(exitCodeOf('ERROR')).toBe(2);
    expect(exitCodeOf('CHAIN_UNREACHABLE')).toBe(2);
  });

  it('falls back to exit 2 and no status for codes it does not know', () => {
    expect(isErrorCode('NO_SUCH_CODE')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(exitCodeOf('NO_SUCH_CODE')).toBe(2);
    expect(httpStatusOf('NO_SUCH_CODE')).toBeUndefined();
    expect(httpStatusOf('REANCHOR')).toBeUndefined();
    expect(httpStatusOf('NOT_FOUND')).toBe(404);
    expect(httpStatusOf('STORAGE_UNAVAILABLE')).toBe(503);
  });
});
