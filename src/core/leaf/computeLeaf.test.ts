import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { describe, expect, it } from 'vitest';
import { computeLeaf, leafValues } from './computeLeaf.js';
import { LEAF_TYPES, type LeafFields } from './LeafFields.js';
import { parseDocType } from './docType.js';

const base: LeafFields = {
  docHash: `0x${'11'.repeat(32)}`,
  salt: `0x${'22'.repeat(32)}`,
  patientRef: `0x${'33'.repeat(32)}`,
  issuer: '0x00000000000000000000000000000000000000aA',
  docType: 'certificate',
  issuedAt: 1_764_000_000,
};

describe('computeLeaf', () => {
  it('equals OpenZeppelin’s standardLeafHash over the documented types', () => {
    const oz = StandardMerkleTree.of([leafValues(base)], [...LEAF_TYPES]);
    expect(computeLeaf(base)).toBe(oz.leafHash(leafValues(base)));
    expect(oz.root).toBe(computeLeaf(base));
  });

  it.each(Object.keys(base) as (keyof LeafFields)[])('changes when %s changes', (key) => {
    const changed = { ...base } as Record<string, unknown>;
    const v = base[key];
    changed[key] =
      typeof v === 'number'
        ? v + 1
        : key === 'issuer'
          ? '0x00000000000000000000000000000000000000aB'
          : key === 'docType'
            ? 'report'
            : `0x${'44'.repeat(32)}`;
    expect(computeLeaf(changed as unknown as LeafFields)).not.toBe(computeLeaf(base));
  });
});

describe('parseDocType', () => {
  it('normalises case and rejects junk', () => {
    expect(parseDocType(' Certificate ')).toEqual({ ok: true, value: 'certificate' });
    expect(parseDocType('treatment-summary').ok).toBe(true);
    expect(parseDocType('x'.repeat(65)).ok).toBe(false);
    expect(parseDocType('a b').ok).toBe(false);
    expect(parseDocType('').ok).toBe(false);
  });
});
