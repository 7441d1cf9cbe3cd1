import { Value } from '@sinclair/typebox/value';
import { fail, ok, type Result } from '../errors/Result.js';
import { TrustListSchema, type TrustList } from './trustListSchema.js';

/** Checks a parsed JSON value against the trust list schema; the message names the first offending field. */
export function parseTrustList(value: unknown): Result<TrustList, 'MALFORMED_TRUST_LIST'> {
  if (Value.Check(TrustListSchema, value)) return ok(value);
  const first = Value.Errors(TrustListSchema, value).First();
  const where = first?.path ? first.path.slice(1).replaceAll('/', '.') : '';
  return fail(
    'MALFORMED_TRUST_LIST',
    `malformed trust list: ${where || 'list'}: ${first?.message ?? 'invalid'}`,
  );
}
