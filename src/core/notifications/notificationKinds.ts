/**
 * What medproof tells people, and whether they may turn it off. Security messages (one-time codes,
 * invitations, reset links) always go; the others follow the user's preferences (default: on). Keys are
 * stored in the outbox and the preferences: stable like error codes. Pure data: the browser uses it too.
 * The user's activity page (audit log) still lists every event a quiet period left unmailed.
 */
export const NOTIFICATION_KINDS = {
  'patient-id.code': { optional: false, label: 'One-time code to prove your patient id' },
  'patient-id.invite': { optional: false, label: 'Invitation: a document is waiting for your patient id' },
  'password.reset': { optional: false, label: 'Password reset link' },
  'second-factor.reset': { optional: false, label: 'An admin reset your passkeys and authenticator app' },
  'document.ready': { optional: true, label: 'A document for you is ready' },
  'document.revoked': { optional: true, label: 'A document of yours was revoked' },
  'document.superseded': { optional: true, label: 'A document of yours was replaced by a newer one' },
  // A verifier reloading the page, or a link opened by several people at once, sends one mail, not many.
  'share.used': { optional: true, label: 'One of your share links was used', quietMinutes: 15 },
  'request.new': { optional: true, label: 'A patient asked you for a document' },
} as const satisfies Record<
  string,
  {
    readonly optional: boolean;
    readonly label: string;
    /** After one is queued, more of the kind for the same user within this time are not. */
    readonly quietMinutes?: number;
  }
>;

export type NotificationKind = keyof typeof NOTIFICATION_KINDS;

/** The kinds a user may turn off, in a fixed order (the preferences form and API). */
export const OPTIONAL_NOTIFICATION_KINDS = (Object.keys(NOTIFICATION_KINDS) as NotificationKind[]).filter(
  (k) => NOTIFICATION_KINDS[k].optional,
);
