import type { Address, Hex, LocalAccount, TransactionReceipt } from 'viem';
import { sendRegistryTx, sendRegistryV2Tx, type ChainConnection } from '../chain/index.js';
import {
  buildMerkleTree,
  buildReceipt,
  buildReceiptV2,
  computeLeaf,
  type AnchorPoint,
  type Institution,
  type IssuerProfile,
  type LeafFields,
  type Receipt,
  type ReceiptV2,
} from '../core/index.js';

/** The receipts' anchor points of one batch, once its transaction is mined. */
function anchorPoints(
  conn: ChainConnection,
  registry: Address,
  tree: ReturnType<typeof buildMerkleTree>,
  count: number,
  tx: TransactionReceipt,
): AnchorPoint[] {
  return Array.from({ length: count }, (_, i) => ({
    root: tree.root,
    proof: tree.proofAt(i),
    chainId: conn.chainId,
    registry,
    txHash: tx.transactionHash,
    blockNumber: Number(tx.blockNumber),
  }));
}

/**
 * Anchors documents as one batch in a single transaction, now, and returns their receipts: the CLI's
 * `anchor`. Services use the durable AnchorEngine instead, which survives crashes between steps.
 */
export async function anchorDirect(
  conn: ChainConnection,
  signer: LocalAccount,
  registry: Address,
  docs: readonly LeafFields[],
): Promise<{ receipts: Receipt[]; root: Hex }> {
  const leaves = docs.map(computeLeaf);
  const tree = buildMerkleTree(leaves);
  const tx = await sendRegistryTx(conn, signer, registry, 'anchor', [tree.root, docs.length]);
  const points = anchorPoints(conn, registry, tree, docs.length, tx);
  const receipts = docs.map((doc, i) => buildReceipt(doc, leaves[i]!, points[i]!));
  return { receipts, root: tree.root };
}

/**
 * {@link anchorDirect} on registry v2: the signer needs ANCHORER_ROLE (issuers do not anchor), and each
 * receipt carries the issuer's profile and the institution, whose commitments the verifier recomputes.
 */
export async function anchorDirectV2(
  conn: ChainConnection,
  signer: LocalAccount,
  registry: Address,
  docs: readonly LeafFields[],
  identity: { readonly issuerProfile: IssuerProfile; readonly institution: Institution },
): Promise<{ receipts: ReceiptV2[]; root: Hex }> {
  const leaves = docs.map(computeLeaf);
  const tree = buildMerkleTree(leaves);
  const tx = await sendRegistryV2Tx(conn, signer, registry, 'anchor', [tree.root, docs.length]);
  const points = anchorPoints(conn, registry, tree, docs.length, tx);
  const receipts = docs.map((doc, i) => buildReceiptV2(doc, leaves[i]!, points[i]!, identity));
  return { receipts, root: tree.root };
}
