import { describe, expect, it } from 'vitest';
import { NOTIFICATION_KINDS, type NotificationKind } from '../../core/notifications/notificationKinds.js';
import { renderNotification } from './renderNotification.js';

describe('renderNotification', () => {
  const url = 'https://portal.example';
  it('words every kind with a link to the portal and nothing of the document', () => {
    for (const kind of Object.keys(NOTIFICATION_KINDS) as NotificationKind[]) {
      // Parameters a message might be given: only a code or a token may ever show.
      const m = renderNotification(
        kind,
        { code: '123456', token: 'tok', documentId: 'doc-1', requestId: 'req-1' },
        url,
      );
      expect(m.subject.length, kind).toBeGreaterThan(5);
      expect(m.text, kind).not.toMatch(/doc-1|req-1/);
      if (kind !== 'patient-id.code') expect(m.text, kind).toContain(url);
    }
  });

  it('puts the code in the code message and the reset token in the fragment of the link', () => {
    expect(renderNotification('patient-id.code', { code: '654321' }, url).text).toContain('654321');
    expect(renderNotification('password.reset', { token: 'abc_DEF-123' }, url).text).toContain(
      `${url}/reset#abc_DEF-123`,
    );
  });
});
