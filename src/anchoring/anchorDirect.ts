import type { Address, LocalAccount } from 'viem';
import type { ChainConnection } from '../chain/connectChain.js';
import { sendRegistryTx } from '../chain/registry/sendRegistryTx.js';
import { computeLeaf } from '../core/leaf/computeLeaf.js';
import type { LeafFields } from '../core/leaf/LeafFields.js';
import { buildMerkleTree } from '../core/merkle/buildMerkleTree.js';
import { buildReceipt } from '../core/receipt/buildReceipt.js';
import type { Receipt } from '../core/receipt/receiptSchema.js';

/**
 * Anchors documents as one batch in a single transaction, now, and returns their receipts: the CLI's
 * `anchor`. Services use the durable AnchorEngine instead, which survives crashes between steps.
 */
export async function anchorDirect(
  conn: ChainConnection,
  signer: LocalAccount,
  registry: Address,
  docs: readonly LeafFields[],
): Promise<{ receipts: Receipt[]; root: `0x${string}` }> {
  const leaves = docs.map(computeLeaf);
  const tree = buildMerkleTree(leaves);
  const tx = await sendRegistryTx(conn, signer, registry, 'anchor', [tree.root, docs.length]);
  const receipts = docs.map((doc, i) =>
    buildReceipt(doc, leaves[i]!, {
      root: tree.root,
      proof: tree.proofAt(i),
      chainId: conn.chainId,
      registry,
      txHash: tx.transactionHash,
      blockNumber: Number(tx.blockNumber),
    }),
  );
  return { receipts, root: tree.root };
}
