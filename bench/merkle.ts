import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { randomBytes } from 'node:crypto';
import { toHex } from '../src/core/hash/hex.js';
import { computeLeaf, leafValues } from '../src/core/leaf/computeLeaf.js';
import { LEAF_TYPES, type LeafFields } from '../src/core/leaf/LeafFields.js';
import { buildMerkleTree } from '../src/core/merkle/buildMerkleTree.js';
import { table } from './table.js';

/** Our tree against OpenZeppelin's library (same roots; see the unit tests): build + every proof. */
export function benchMerkle(): string {
  const rows: (string | number)[][] = [];
  for (const n of [1_000, 10_000, 100_000]) {
    const docs: LeafFields[] = Array.from({ length: n }, (_, i) => ({
      docHash: toHex(randomBytes(32)),
      salt: toHex(randomBytes(32)),
      patientRef: toHex(randomBytes(32)),
      issuer: toHex(randomBytes(20)),
      docType: 'report',
      issuedAt: 1_764_000_000 + i,
    }));
    let t = performance.now();
    const leaves = docs.map(computeLeaf);
    const leafMs = performance.now() - t;
    t = performance.now();
    const tree = buildMerkleTree(leaves);
    const buildMs = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < n; i++) tree.proofAt(i);
    const proofsMs = performance.now() - t;
    let oz = '—';
    if (n <= 10_000) {
      t = performance.now();
      const ozTree = StandardMerkleTree.of(docs.map(leafValues), [...LEAF_TYPES]);
      for (let i = 0; i < n; i++) ozTree.getProof(i);
      oz = (performance.now() - t).toFixed(0);
      if (ozTree.root !== tree.root) throw new Error('roots differ');
    }
    rows.push([n.toLocaleString('en'), leafMs.toFixed(0), buildMs.toFixed(0), proofsMs.toFixed(0), oz]);
  }
  return table(
    'Merkle trees (ms): leaf hashing, tree, every proof; OpenZeppelin library doing the same',
    ['leaves', 'leaves (ms)', 'tree (ms)', 'all proofs (ms)', 'OpenZeppelin (ms)'],
    rows,
  );
}
