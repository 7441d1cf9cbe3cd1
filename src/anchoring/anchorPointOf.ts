import type { Address, Hex } from 'viem';
import { buildMerkleTree, type MerkleTree } from '../core/merkle/buildMerkleTree.js';
import type { AnchorPoint } from '../core/receipt/buildReceipt.js';
import { leafAnchor } from '../store/anchorQueue/anchorQueue.js';
import type { Executor } from '../store/db/Db.js';

export type AnchorState = 'queued' | 'pending' | 'anchored' | 'failed';

export interface LeafAnchorState {
  readonly state: AnchorState;
  /** Present once anchored: everything a receipt needs besides the leaf's own fields. */
  readonly point?: AnchorPoint;
  readonly error?: string;
}

// Proofs are rebuilt from a batch's stored leaves; recently used trees are kept (a 4,096-leaf tree is
// ~5 ms to build). Keyed by root, which names exactly one set of leaves, in any database.
const trees = new Map<string, MerkleTree & { index: Map<string, number> }>();
const TREE_CACHE = 64;

function treeOf(root: string, leavesJson: string): MerkleTree & { index: Map<string, number> } {
  const hit = trees.get(root);
  if (hit) {
    trees.delete(root);
    trees.set(root, hit);
    return hit;
  }
  const leaves = JSON.parse(leavesJson) as Hex[];
  const tree = Object.assign(buildMerkleTree(leaves), { index: new Map(leaves.map((l, i) => [l, i])) });
  trees.set(root, tree);
  if (trees.size > TREE_CACHE) trees.delete(trees.keys().next().value!);
  return tree;
}

/** Where a leaf stands in anchoring; once confirmed, its root, proof and the transaction that anchored it. */
export async function anchorPointOf(db: Executor, leaf: Hex): Promise<LeafAnchorState | undefined> {
  const a = await leafAnchor(db, leaf);
  if (!a) return undefined;
  const b = a.batch;
  if (!b) return { state: 'queued' };
  if (b.status === 'failed') return { state: 'failed', error: b.last_error ?? 'anchoring failed' };
  if (a.status !== 'anchored' || b.status !== 'confirmed' || b.block_number === null)
    return { state: 'pending' };
  const tree = treeOf(b.root, b.leaves);
  const index = tree.index.get(a.leaf.toLowerCase());
  if (index === undefined) throw new Error(`leaf ${a.leaf} missing from its batch ${b.id}`);
  return {
    state: 'anchored',
    point: {
      root: b.root as Hex,
      proof: tree.proofAt(index),
      chainId: b.chain_id,
      registry: b.registry as Address,
      txHash: (b.tx_hash ?? `0x${'00'.repeat(32)}`) as Hex,
      blockNumber: b.block_number,
    },
  };
}
