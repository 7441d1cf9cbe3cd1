import { readFileSync } from 'node:fs';
import { MedproofError, ReceiptSchema, ReceiptV2Schema, parseReceiptJson } from '../../core/index.js';
import type { Output } from '../output.js';

/**
 * `medproof receipt --schema` prints the receipt JSON Schema (v1, as it always has; `--receipt-version 2` for
 * v2); `medproof receipt FILE` checks and shows one of either version.
 */
export function receiptCommand(
  out: Output,
  path: string | undefined,
  o: { schema?: boolean; version?: string | number },
): number {
  if (o.schema || path === undefined) {
    const version = String(o.version ?? 1);
    if (version !== '1' && version !== '2')
      throw new MedproofError('UNSUPPORTED_RECEIPT_VERSION', `receipt version ${version}: choose 1 or 2`);
    const schema = version === '2' ? ReceiptV2Schema : ReceiptSchema;
    out.result(JSON.stringify(schema, null, 2), schema);
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
      ...(r.version === 2
        ? [
            `  issuer   ${r.issuerProfile.name} (${r.issuerProfile.council} ${r.issuerProfile.registrationNumber}), ${r.issuerProfile.institution.name} (claimed; verify checks it)`,
            `  institution ${r.institution.name} (${r.institution.domain})`,
          ]
        : []),
    ],
    r,
  );
  return 0;
}
