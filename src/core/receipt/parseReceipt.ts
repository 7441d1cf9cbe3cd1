import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { fail, ok, type Result } from '../errors/Result.js';
import { ReceiptSchema, RECEIPT_V2_VERSION, RECEIPT_VERSION } from './receiptSchema.js';
import { ReceiptV2Schema, type AnyReceipt } from './receiptV2Schema.js';

export type ReceiptError = 'MALFORMED_RECEIPT' | 'UNSUPPORTED_RECEIPT_VERSION';

const SCHEMAS: Record<number, TSchema> = {
  [RECEIPT_VERSION]: ReceiptSchema,
  [RECEIPT_V2_VERSION]: ReceiptV2Schema,
};

/**
 * Checks a parsed JSON value against the schema of the version it names (v1 or v2); the message names
 * the first offending field. A receipt without a version is checked as v1, so its message says what is missing.
 */
export function parseReceipt(value: unknown): Result<AnyReceipt, ReceiptError> {
  const version =
    typeof value === 'object' && value !== null && 'version' in value ? value.version : RECEIPT_VERSION;
  const schema = typeof version === 'number' ? SCHEMAS[version] : undefined;
  if (!schema) {
    return fail(
      'UNSUPPORTED_RECEIPT_VERSION',
      `receipt version ${String(version)} is not supported (expected ${RECEIPT_VERSION} or ${RECEIPT_V2_VERSION})`,
    );
  }
  if (Value.Check(schema, value)) return ok(value as AnyReceipt);
  const first = Value.Errors(schema, value).First();
  const where = first?.path ? `${first.path.slice(1).replaceAll('/', '.')}` : 'receipt';
  return fail(
    'MALFORMED_RECEIPT',
    `malformed receipt: ${where || 'receipt'}: ${first?.message ?? 'invalid'}`,
  );
}

/** Parses receipt JSON text. */
export function parseReceiptJson(text: string): Result<AnyReceipt, ReceiptError> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('MALFORMED_RECEIPT', 'malformed receipt: not JSON');
  }
  return parseReceipt(value);
}
