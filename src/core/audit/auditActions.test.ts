import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, isAuditAction } from './auditActions.js';

describe('AUDIT_ACTIONS', () => {
  it('names every action as area.verb with a label and a sentence part for people', () => {
    for (const [action, words] of Object.entries(AUDIT_ACTIONS)) {
      expect(action).toMatch(/^[a-z]+\.[a-z-]+$/);
      // A label stands alone (capitalised); `did` follows the actor's name (lower case).
      expect(words.label, action).toMatch(/^[A-Z]\S*( \S+)*$/);
      expect(words.did, action).toMatch(/^[a-z]/);
    }
  });

  it('tells known actions from strings read back from storage', () => {
    expect(isAuditAction('share.used')).toBe(true);
    expect(isAuditAction('share.deleted')).toBe(false);
    expect(isAuditAction('constructor')).toBe(false);
  });
});
