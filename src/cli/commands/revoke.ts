import { readFileSync } from 'node:fs';
import { zeroHash, type Hex } from 'viem';
import { sendRegistryTx, sendRegistryV2Tx } from '../../chain/index.js';
import type { Config } from '../../config/index.js';
import {
  MedproofError,
  REVOCATION_REASONS,
  isBytes32,
  parseReceiptJson,
  parseRevocationReason,
  revocationReasonName,
  type AnyReceipt,
} from '../../core/index.js';
import type { Output } from '../output.js';
import { openChainForCommand, registryVersionFor, requireRegistry, requireSigner } from '../openChain.js';

const SUPERSEDED = 1;

export interface RevokeOptions {
  readonly reason: string;
  /** The replacing document: its leaf (0x…) or its receipt file. Registry v2, reason superseded. */
  readonly supersededBy?: string;
}

function readReceipt(path: string): AnyReceipt {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new MedproofError('RECEIPT_NOT_FOUND', `receipt not found: ${path}`);
  }
  const parsed = parseReceiptJson(text);
  if (!parsed.ok) throw new MedproofError(parsed.code, `${path}: ${parsed.message}`);
  return parsed.value;
}

/** `--superseded-by`: a leaf as hex, or the replacing document's receipt (its leaf is taken). */
function successorLeaf(input: string): Hex {
  if (isBytes32(input)) return input;
  return readReceipt(input).leaf;
}

/**
 * `medproof revoke RECEIPT --reason CODE`: records the document's leaf as revoked in its registry. On
 * registry v2 the receipt's leaf fields, root and Merkle proof go with it: the contract checks that the
 * leaf is in an anchored root and that the signer may revoke it (revoker, admin, or the leaf's issuer).
 */
export async function revokeCommand(
  config: Config,
  out: Output,
  receiptPath: string,
  o: RevokeOptions,
): Promise<number> {
  const reason = parseRevocationReason(o.reason);
  if (reason === undefined) {
    const names = Object.entries(REVOCATION_REASONS)
      .map(([n, name]) => `${n}=${name}`)
      .join(', ');
    throw new MedproofError('BAD_REASON', `--reason must be a number 0-65535 or one of: ${names}`);
  }
  const receipt = readReceipt(receiptPath);
  const supersededBy = o.supersededBy !== undefined ? successorLeaf(o.supersededBy) : undefined;
  const chain = await openChainForCommand(config, { create: false });
  try {
    const registry = requireRegistry(chain);
    if (chain.conn.chainId !== receipt.chainId || registry.toLowerCase() !== receipt.registry.toLowerCase()) {
      throw new MedproofError(
        'WRONG_CHAIN',
        `the receipt is for registry ${receipt.registry} on chain ${receipt.chainId}; connected to ${registry} on chain ${chain.conn.chainId}`,
      );
    }
    const signer = requireSigner(chain);
    const v2 = (await registryVersionFor(chain)) === 2;
    let tx;
    if (v2) {
      if (reason === SUPERSEDED && supersededBy === undefined)
        throw new MedproofError(
          'BAD_REASON',
          '--reason superseded on registry v2 names the replacing document: pass --superseded-by RECEIPT (or its leaf)',
        );
      if (reason !== SUPERSEDED && supersededBy !== undefined)
        throw new MedproofError('BAD_REASON', '--superseded-by goes only with --reason superseded');
      tx = await sendRegistryV2Tx(chain.conn, signer, registry, 'revoke', [
        {
          docHash: receipt.docHash,
          salt: receipt.salt,
          patientRef: receipt.patientRef,
          issuer: receipt.issuer,
          docType: receipt.docType,
          issuedAt: BigInt(receipt.issuedAt),
        },
        receipt.root,
        [...receipt.proof],
        reason,
        supersededBy ?? zeroHash,
      ]);
    } else {
      if (supersededBy !== undefined)
        throw new MedproofError(
          'REGISTRY_V2_ONLY',
          `--superseded-by needs registry v2; ${registry} is v1, which records only the reason`,
        );
      tx = await sendRegistryTx(chain.conn, signer, registry, 'revoke', [receipt.leaf, reason]);
    }
    await chain.durable();
    const successor = supersededBy ? `, superseded by ${supersededBy}` : '';
    out.result(
      `revoked ${receipt.leaf} (${revocationReasonName(reason)}${successor}) in block ${tx.blockNumber} (tx ${tx.transactionHash})`,
      {
        leaf: receipt.leaf,
        reason,
        reasonName: revocationReasonName(reason),
        ...(supersededBy ? { supersededBy } : {}),
        txHash: tx.transactionHash,
        blockNumber: Number(tx.blockNumber),
      },
    );
    return 0;
  } finally {
    await chain.close();
  }
}
