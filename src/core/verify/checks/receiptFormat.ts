import type { Result } from '../../errors/Result.js';
import type { CheckResult } from '../types.js';
import { check } from './check.js';

/** The receipt is well-formed. A malformed receipt means we could not check: ERROR, not INVALID. */
export function receiptFormat(parsed: Result<unknown>): CheckResult {
  return parsed.ok
    ? check('receiptFormat', 'VALID', 'VALID', 'receipt is well-formed')
    : check('receiptFormat', 'ERROR', parsed.code, parsed.message);
}
