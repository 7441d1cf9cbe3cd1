import type { NotificationKind } from '../../core/index.js';

export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
}

/**
 * The words of each message. Never medical content — no document title, type, doctor or file, since
 * mail and SMS pass through others' servers and lock screens — only that something happened and a
 * link to sign in and see it.
 */
export function renderNotification(
  kind: NotificationKind,
  params: Record<string, string>,
  publicUrl: string,
): RenderedMessage {
  const sign = `\n\nSign in to see it: ${publicUrl}/\n\n— medproof`;
  switch (kind) {
    case 'patient-id.code':
      return {
        subject: 'Your medproof code',
        text: `medproof: your code is ${params.code ?? ''}. It proves your patient id and expires in 10 minutes. Nobody from the hospital will ask you for it.`,
      };
    case 'patient-id.invite':
      return {
        subject: 'A document is waiting for you',
        text: `medproof: a doctor has issued a document for you. Register or sign in at ${publicUrl}/register and prove your number to receive it.`,
      };
    case 'password.reset':
      return {
        subject: 'Reset your medproof password',
        text: `Someone (we hope you) asked to reset your medproof password. Follow this link within 30 minutes to choose a new one; it works once:\n\n${publicUrl}/reset#${params.token ?? ''}\n\nIf it was not you, ignore this email: your password stays as it is.\n\n— medproof`,
      };
    case 'second-factor.reset':
      return {
        subject: 'Your medproof second factor was reset',
        text: `An administrator removed your passkeys and authenticator app, and signed you out everywhere. At your next sign-in (${publicUrl}/) you will set up a new one.\n\nIf you did not ask for this, tell your hospital's medproof administrator now.\n\n— medproof`,
      };
    case 'document.ready':
      return { subject: 'A new document is ready', text: `A new document is ready in your records.${sign}` };
    case 'document.revoked':
      return {
        subject: 'A document was revoked',
        text: `A document in your records was revoked by its issuer.${sign}`,
      };
    case 'document.superseded':
      return {
        subject: 'A document was replaced',
        text: `A document in your records was replaced by a newer version.${sign}`,
      };
    case 'share.used':
      return { subject: 'Your share link was used', text: `Someone opened one of your share links.${sign}` };
    case 'request.new':
      return { subject: 'A new document request', text: `A patient has asked you for a document.${sign}` };
  }
}
