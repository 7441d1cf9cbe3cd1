export const dateTime = (ms: number) =>
  new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const date = (ms: number) => new Date(ms).toLocaleDateString(undefined, { dateStyle: 'medium' });

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export const speed = (bytesPerSecond: number) => `${size(bytesPerSecond)}/s`;

export const DOC_TYPE_LABELS: Record<string, string> = {
  report: 'Medical report',
  certificate: 'Medical certificate',
  prescription: 'Prescription',
  'treatment-summary': 'Treatment summary',
  'lab-result': 'Lab result',
};
export const docTypeLabel = (t: string) => DOC_TYPE_LABELS[t] ?? t;

/** What the audit actions mean to a patient. */
export const ACTION_LABELS: Record<string, string> = {
  'document.issued': 'issued the document',
  'document.viewed': 'viewed its details',
  'document.downloaded': 'downloaded the file',
  'document.verified': 'verified it',
  'document.revoked': 'revoked it',
  'document.integrity-failure': 'tried to open it (the stored file failed its integrity check)',
  'document.file-missing': 'tried to open it (the stored file is missing)',
  'share.created': 'created a share link',
  'share.revoked': 'revoked a share link',
  'share.used': 'opened a share link',
  'request.created': 'requested a document',
  'request.rejected': 'rejected a request',
  'user.created': 'created an account',
  'auth.login': 'signed in',
  'auth.logout': 'signed out',
  'authz.denied': 'was refused access',
};
