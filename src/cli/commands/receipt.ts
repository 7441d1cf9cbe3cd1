import { readFileSync } from 'node:fs';
import { MedproofError } from '../../core/errors/MedproofError.js';
import { parseReceiptJson } from '../../core/receipt/parseReceipt.js';
import { ReceiptSchema } from '../../core/receipt/receiptSchema.js';
import type { Output } from '../output.js';

/** `medproof receipt --schema` prints the receipt JSON Schema; `medproof receipt FILE` checks and shows one. */
export function receiptCommand(out: Output, path: string | undefined, o: { schema?: boolean }): number {
  if (o.schema || path === undefined) {
    out.result(JSON.stringify(ReceiptSchema, null, 2), ReceiptSchema);
    return 0;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new MedproofError('RECEIPT_NOT_FOUND', `receipt not found: ${path}`);
  }
  const parsed = parseReceiptJson(text);
  if (!parsed.ok) throw new MedproofError(parsed.code, parsed.message);
  const r = parsed.value;
  out.result(
    [
      `receipt v${r.version}: ${r.docType} issued by ${r.issuer} at ${new Date(r.issuedAt * 1000).toISOString()}`,
      `  docHash  ${r.docHash}`,
      `  leaf     ${r.leaf}`,
      `  root     ${r.root} (${r.proof.length}-step proof)`,
      `  anchored on chain ${r.chainId}, registry ${r.registry}, block ${r.blockNumber}, tx ${r.txHash}`,
    ],
    r,
  );
  return 0;
}
