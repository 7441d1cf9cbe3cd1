import { describe, expect, it } from 'vitest';
import { auditHeadLeafFields, auditHeadOf } from './auditHeadLeaf.js';

const issuer = '0x000000000000000000000000000000000000dEaD';
const salt = `0x${'11'.repeat(32)}` as const;

describe('auditHeadLeafFields', () => {
  it('commits to the row number and its hash, and reads them back', () => {
    const f = auditHeadLeafFields({ seq: 300, hash: 'ab'.repeat(32) }, { issuer, salt, issuedAt: 5 });
    expect(f.docType).toBe('audit-head');
    expect(f.docHash).toBe(`0x${'ab'.repeat(32)}`);
    expect(f.patientRef).toBe(`0x${'0'.repeat(61)}12c`);
    expect(auditHeadOf(f)).toEqual({ seq: 300, hash: 'ab'.repeat(32) });
    expect(auditHeadOf({ ...f, docType: 'report' })).toBeUndefined();
  });

  it('refuses what is not an audit head', () => {
    expect(() =>
      auditHeadLeafFields({ seq: 0, hash: 'ab'.repeat(32) }, { issuer, salt, issuedAt: 1 }),
    ).toThrow();
    expect(() => auditHeadLeafFields({ seq: 1, hash: 'xyz' }, { issuer, salt, issuedAt: 1 })).toThrow();
  });
});
