import type { Address, Hex } from 'viem';
import { buildMerkleTree, type AnchorPoint, type MerkleTree } from '../core/index.js';
import { leafAnchor, type Executor } from '../store/index.js';

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

/** Where a leaf stands in anchoring; once confirmed (or final), its root, proof and the transaction that anchored it. */
export async function anchorPointOf(db: Executor, leaf: Hex): Promise<LeafAnchorState | undefined> {
  const a = await leafAnchor(db, leaf);
  if (!a) return undefined;
  const b = a.batch;
  if (!b) return { state: 'queued' };
  if (b.status === 'failed') return { state: 'failed', error: b.last_error ?? 'anchoring failed' };
  // A confirmed batch always has its transaction (recordConfirmed insists); the check stays here so a
  // receipt can never carry a made-up hash, whatever an older database holds.
  const anchored = b.status === 'confirmed' || b.status === 'final';
  if (a.status !== 'anchored' || !anchored || b.block_number === null || b.tx_hash === null)
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
      txHash: b.tx_hash as Hex,
      blockNumber: b.block_number,
    },
  };
}
