import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeLeaf, leafValues } from '../leaf/computeLeaf.js';
import { LEAF_TYPES, type LeafFields } from '../leaf/LeafFields.js';
import { toHex } from '../hash/hex.js';
import { buildMerkleTree } from './buildMerkleTree.js';
import { processProof, verifyProof } from './processProof.js';

const rand32 = () => toHex(randomBytes(32));
const fields = (i: number): LeafFields => ({
  docHash: rand32(),
  salt: rand32(),
  patientRef: rand32(),
  issuer: toHex(randomBytes(20)),
  docType: i % 2 ? 'certificate' : 'report',
  issuedAt: 1_700_000_000 + i,
});

describe('buildMerkleTree', () => {
  it.each([1, 2, 3, 4, 5, 7, 16, 33, 100])(
    'gives OpenZeppelin StandardMerkleTree’s root and proofs for %i leaves',
    (n) => {
      const docs = Array.from({ length: n }, (_, i) => fields(i));
      const ours = buildMerkleTree(docs.map(computeLeaf));
      const oz = StandardMerkleTree.of(docs.map(leafValues), [...LEAF_TYPES]);
      expect(ours.root).toBe(oz.root);
      docs.forEach((doc, i) => {
        const proof = ours.proofAt(i);
        expect(proof).toEqual(oz.getProof(leafValues(doc)));
        expect(StandardMerkleTree.verify(ours.root, [...LEAF_TYPES], leafValues(doc), proof)).toBe(true);
      });
    },
  );

  it('keeps input order for proofs when leaves are unsorted and repeated', () => {
    const a = rand32();
    const leaves = [rand32(), a, rand32(), a];
    const tree = buildMerkleTree(leaves);
    leaves.forEach((leaf, i) => expect(processProof(leaf, tree.proofAt(i))).toBe(tree.root));
  });

  it('a flipped bit anywhere breaks the proof', () => {
    const leaves = Array.from({ length: 9 }, rand32);
    const tree = buildMerkleTree(leaves);
    const proof = tree.proofAt(4);
    const flip = (h: `0x${string}`, at: number) => {
      const b = Buffer.from(h.slice(2), 'hex');
      b[at]! ^= 1;
      return toHex(b);
    };
    expect(verifyProof(tree.root, leaves[4]!, proof)).toBe(true);
    expect(verifyProof(tree.root, flip(leaves[4]!, 31), proof)).toBe(false);
    expect(verifyProof(tree.root, leaves[4]!, [flip(proof[0]!, 0), ...proof.slice(1)])).toBe(false);
    expect(verifyProof(flip(tree.root, 7), leaves[4]!, proof)).toBe(false);
    expect(verifyProof(tree.root, leaves[4]!, proof.slice(1))).toBe(false);
  });

  it('builds 10,000 leaves and all their proofs, each of which verifies', () => {
    const leaves = Array.from({ length: 10_000 }, rand32);
    const tree = buildMerkleTree(leaves);
    expect(tree.leafCount).toBe(10_000);
    for (let i = 0; i < leaves.length; i += 1) {
      const proof = tree.proofAt(i);
      expect(proof.length).toBeGreaterThanOrEqual(13);
      if (i % 997 === 0) expect(processProof(leaves[i]!, proof)).toBe(tree.root);
    }
  });

  it('rejects empty input, bad leaves and bad indexes with codes', () => {
    expect(() => buildMerkleTree([])).toThrow(expect.objectContaining({ code: 'MERKLE_EMPTY' }));
    expect(() => buildMerkleTree(['0x1234'])).toThrow(expect.objectContaining({ code: 'MERKLE_BAD_LEAF' }));
    expect(() => buildMerkleTree([rand32()]).proofAt(1)).toThrow(
      expect.objectContaining({ code: 'MERKLE_BAD_INDEX' }),
    );
  });

  it('a single leaf is its own root with an empty proof', () => {
    const leaf = rand32();
    const tree = buildMerkleTree([leaf]);
    expect(tree.root).toBe(leaf);
    expect(tree.proofAt(0)).toEqual([]);
  });
});
