import { Value } from '@sinclair/typebox/value';
import { fail, ok, type Result } from '../errors/Result.js';
import { ReceiptSchema, RECEIPT_VERSION, type Receipt } from './receiptSchema.js';

export type ReceiptError = 'MALFORMED_RECEIPT' | 'UNSUPPORTED_RECEIPT_VERSION';

/** Checks a parsed JSON value against the receipt schema; the message names the first offending field. */
export function parseReceipt(value: unknown): Result<Receipt, ReceiptError> {
  if (
    typeof value === 'object' &&
    value !== null &&
    'version' in value &&
    value.version !== RECEIPT_VERSION
  ) {
    return fail(
      'UNSUPPORTED_RECEIPT_VERSION',
      `receipt version ${String(value.version)} is not supported (expected ${RECEIPT_VERSION})`,
    );
  }
  if (Value.Check(ReceiptSchema, value)) return ok(value);
  const first = Value.Errors(ReceiptSchema, value).First();
  const where = first?.path ? `${first.path.slice(1).replaceAll('/', '.')}` : 'receipt';
  return fail(
    'MALFORMED_RECEIPT',
    `malformed receipt: ${where || 'receipt'}: ${first?.message ?? 'invalid'}`,
  );
}

/** Parses receipt JSON text. */
export function parseReceiptJson(text: string): Result<Receipt, ReceiptError> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('MALFORMED_RECEIPT', 'malformed receipt: not JSON');
  }
  return parseReceipt(value);
}
