/**
 * Every audit action medproof writes, with words for people: `label` names the event on its own
 * ("Share link used"), `did` completes a sentence after who did it ("Dr Rao opened a share link"), as
 * the access log shows it. The audit rows store the key; keys are stable like error codes (old rows
 * keep them), so add new actions rather than renaming. Pure data: the browser UI imports it too.
 */
export const AUDIT_ACTIONS = {
  'document.issued': { label: 'Document issued', did: 'issued the document' },
  'document.signed': { label: 'Document signed', did: 'signed the document with a passkey' },
  'document.viewed': { label: 'Document details viewed', did: 'viewed its details' },
  'document.downloaded': { label: 'Document downloaded', did: 'downloaded the file' },
  'document.verified': { label: 'Document verified', did: 'verified it' },
  'document.revoked': { label: 'Document revoked', did: 'revoked it' },
  'document.listed': { label: 'Documents listed', did: 'looked at the list of documents' },
  'document.receipt-downloaded': { label: 'Proof file downloaded', did: 'downloaded its proof file' },
  'document.access-denied': { label: 'Access to a document refused', did: 'was refused access to it' },
  'document.integrity-failure': {
    label: 'Stored file failed its integrity check',
    did: 'tried to open it (the stored file failed its integrity check)',
  },
  'document.file-missing': {
    label: 'Stored file missing',
    did: 'tried to open it (the stored file is missing)',
  },
  'document.stamp-opened': {
    label: 'Verification code opened',
    did: 'opened its verification page (QR code or typed code)',
  },
  'share.created': { label: 'Share link created', did: 'created a share link' },
  'share.revoked': { label: 'Share link revoked', did: 'revoked a share link' },
  'share.used': { label: 'Share link used', did: 'opened a share link' },
  'share.listed': { label: 'Share links listed', did: 'looked at its share links' },
  'share.qr-viewed': { label: 'Share link QR code shown', did: 'showed a share link’s QR code' },
  'request.created': { label: 'Document requested', did: 'requested a document' },
  'request.rejected': { label: 'Request rejected', did: 'rejected a request' },
  'doctor.profile-renewed': {
    label: 'Doctor’s public profile renewed',
    did: 'renewed a doctor’s public profile (a new term on chain)',
  },
  'user.created': { label: 'Account created', did: 'created an account' },
  'user.disabled': { label: 'Account disabled', did: 'disabled an account' },
  'user.enabled': { label: 'Account enabled', did: 'enabled an account' },
  'user.listed': { label: 'Accounts listed', did: 'looked at the list of accounts' },
  'issuer.compromised': {
    label: 'Doctor marked compromised',
    did: 'reported a doctor’s issuing key compromised',
  },
  'auth.login': { label: 'Signed in', did: 'signed in' },
  'auth.logout': { label: 'Signed out', did: 'signed out' },
  'auth.password-changed': { label: 'Password changed', did: 'changed their password' },
  'auth.second-factor': { label: 'Second factor checked', did: 'passed the second sign-in step' },
  'auth.passkey-added': { label: 'Passkey added', did: 'added a passkey' },
  'auth.passkey-removed': { label: 'Passkey removed', did: 'removed a passkey' },
  'auth.totp-enabled': { label: 'Authenticator app set up', did: 'set up an authenticator app' },
  'auth.totp-removed': { label: 'Authenticator app removed', did: 'removed their authenticator app' },
  'auth.recovery-codes-created': { label: 'Recovery codes created', did: 'created new recovery codes' },
  'auth.step-up': {
    label: 'Identity confirmed for a security change',
    did: 'confirmed it was them (password or second factor) before changing sign-in security',
  },
  'auth.second-factor-reset': {
    label: 'Second factors reset',
    did: 'reset an account’s passkeys and authenticator app (it must set up a new one at next sign-in)',
  },
  'auth.password-reset-requested': {
    label: 'Password reset link sent',
    did: 'asked for a password reset link',
  },
  'auth.password-reset': { label: 'Password reset', did: 'reset their password with an emailed link' },
  'auth.logout-everywhere': { label: 'Signed out everywhere', did: 'signed out of every session' },
  'identity.code-sent': { label: 'Patient id code sent', did: 'asked for a code to prove their patient id' },
  'identity.proven': {
    label: 'Patient id proven',
    did: 'proved the patient id (details say how: a code, or a doctor in person)',
  },
  'identity.proof-failed': { label: 'Patient id proof failed', did: 'gave a wrong code for the patient id' },
  'notify.preferences-changed': {
    label: 'Notification preferences changed',
    did: 'changed their notification preferences',
  },
  'authz.denied': { label: 'Access refused', did: 'was refused access' },
} as const satisfies Record<string, { readonly label: string; readonly did: string }>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** For actions read back from the database or the API, which arrive as plain strings. */
export function isAuditAction(action: string): action is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, action);
}
