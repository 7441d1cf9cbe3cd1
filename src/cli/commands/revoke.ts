import { readFileSync } from 'node:fs';
import { sendRegistryTx } from '../../chain/registry/sendRegistryTx.js';
import type { Config } from '../../config/loadConfig.js';
import { MedproofError } from '../../core/errors/MedproofError.js';
import { parseReceiptJson } from '../../core/receipt/parseReceipt.js';
import {
  parseRevocationReason,
  revocationReasonName,
  REVOCATION_REASONS,
} from '../../core/verify/revocationReasons.js';
import type { Output } from '../output.js';
import { openChainForCommand, requireRegistry, requireSigner } from '../openChain.js';

/** `medproof revoke RECEIPT --reason CODE`: records the document's leaf as revoked in its registry. */
export async function revokeCommand(
  config: Config,
  out: Output,
  receiptPath: string,
  o: { reason: string },
): Promise<number> {
  const reason = parseRevocationReason(o.reason);
  if (reason === undefined) {
    const names = Object.entries(REVOCATION_REASONS)
      .map(([n, name]) => `${n}=${name}`)
      .join(', ');
    throw new MedproofError('BAD_REASON', `--reason must be a number 0-65535 or one of: ${names}`);
  }
  let text: string;
  try {
    text = readFileSync(receiptPath, 'utf8');
  } catch {
    throw new MedproofError('RECEIPT_NOT_FOUND', `receipt not found: ${receiptPath}`);
  }
  const parsed = parseReceiptJson(text);
  if (!parsed.ok) throw new MedproofError(parsed.code, parsed.message);
  const receipt = parsed.value;
  const chain = await openChainForCommand(config, { create: false });
  try {
    const registry = requireRegistry(chain);
    if (chain.conn.chainId !== receipt.chainId || registry.toLowerCase() !== receipt.registry.toLowerCase()) {
      throw new MedproofError(
        'WRONG_CHAIN',
        `the receipt is for registry ${receipt.registry} on chain ${receipt.chainId}; connected to ${registry} on chain ${chain.conn.chainId}`,
      );
    }
    const tx = await sendRegistryTx(chain.conn, requireSigner(chain), registry, 'revoke', [
      receipt.leaf,
      reason,
    ]);
    await chain.durable();
    out.result(
      `revoked ${receipt.leaf} (${revocationReasonName(reason)}) in block ${tx.blockNumber} (tx ${tx.transactionHash})`,
      {
        leaf: receipt.leaf,
        reason,
        reasonName: revocationReasonName(reason),
        txHash: tx.transactionHash,
        blockNumber: Number(tx.blockNumber),
      },
    );
    return 0;
  } finally {
    await chain.close();
  }
}
