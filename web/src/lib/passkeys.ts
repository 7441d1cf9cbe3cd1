import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { api, ApiError, sentence } from '../api/client.js';
import type { EnrolledView, Issued, Me } from '../api/types.js';

interface Ceremony<T> {
  challengeId: string;
  options: T;
}

/** The browser's WebAuthn refusal (cancelled, timed out, no authenticator) as a sentence. */
function refusal(e: unknown): never {
  if (e instanceof ApiError) throw e;
  const name = e instanceof Error ? e.name : '';
  throw new ApiError(
    0,
    'WEBAUTHN_CANCELLED',
    name === 'InvalidStateError'
      ? 'this passkey is registered already'
      : name === 'SecurityError'
        ? 'this address cannot hold passkeys (use the portal’s host name, not an IP address): use an authenticator app'
        : 'the passkey was not used (cancelled or timed out): try again',
  );
}

export const passkeysSupported = () => browserSupportsWebAuthn();

/** Creates a passkey on this device and stores it with the portal. */
export async function createPasskey(name: string): Promise<EnrolledView> {
  const o = await api<Ceremony<PublicKeyCredentialCreationOptionsJSON>>('POST', '/api/me/passkeys/options');
  const credential = await startRegistration({ optionsJSON: o.options }).catch(refusal);
  return api<EnrolledView>('POST', '/api/me/passkeys', { challengeId: o.challengeId, name, credential });
}

/** The second sign-in step with one of the signed-in user's passkeys. */
export async function confirmWithPasskey(): Promise<Me> {
  const o = await api<Ceremony<PublicKeyCredentialRequestOptionsJSON>>(
    'POST',
    '/api/auth/second-factor/options',
  );
  const credential = await startAuthentication({ optionsJSON: o.options }).catch(refusal);
  return api<Me>('POST', '/api/auth/second-factor/passkey', { challengeId: o.challengeId, credential });
}

/** Signing in with a passkey alone: the authenticator offers the accounts it holds for this portal. */
export async function signInWithPasskey(): Promise<Me> {
  const o = await api<Ceremony<PublicKeyCredentialRequestOptionsJSON>>('POST', '/api/auth/passkey/options');
  const credential = await startAuthentication({ optionsJSON: o.options }).catch(refusal);
  return api<Me>('POST', '/api/auth/passkey', { challengeId: o.challengeId, credential });
}

/** Confirms a signed-in session with one of its user's passkeys, before a security change (step-up). */
export async function stepUpWithPasskey(): Promise<void> {
  const o = await api<Ceremony<PublicKeyCredentialRequestOptionsJSON>>(
    'POST',
    '/api/me/step-up/passkey/options',
  );
  const credential = await startAuthentication({ optionsJSON: o.options }).catch(refusal);
  await api('POST', '/api/me/step-up/passkey', { challengeId: o.challengeId, credential });
}

/**
 * Signs a document the doctor just issued: their passkey signs its leaf (the request's challenge),
 * and the portal anchors it only then. The browser shows its own passkey prompt.
 */
export async function signDocument(
  documentId: string,
  asked?: { options: PublicKeyCredentialRequestOptionsJSON },
): Promise<void> {
  const o =
    asked ??
    (await api<{ options: PublicKeyCredentialRequestOptionsJSON }>(
      'GET',
      `/api/documents/${documentId}/signature`,
    ));
  const credential = await startAuthentication({ optionsJSON: o.options }).catch(refusal);
  await api('POST', `/api/documents/${documentId}/signature`, { credential });
}

/**
 * Signs a just-issued document with the doctor's passkey when the portal asks (their profile lists
 * passkeys): what the sentence after "Issued" says. A cancelled prompt leaves it waiting, with a Sign
 * button in the list; it is not anchored until signed.
 */
export async function signIssued(r: Issued): Promise<string> {
  if (!r.signature) return 'It is being secured on the blockchain.';
  try {
    await signDocument(r.id, r.signature);
    return 'You signed it with your passkey; it is being secured on the blockchain.';
  } catch (error) {
    const why = error instanceof ApiError ? ` (${sentence(error.message)})` : '';
    return `It is not signed yet${why}: use “Sign” in your list of documents; it is secured on the blockchain once you sign it.`;
  }
}

/**
 * Revokes a document as its doctor: a doctor with passkeys signs the revocation (the leaf, reason and
 * successor), so the portal asks for it (428 SIGNATURE_REQUIRED) and the browser's passkey answers.
 */
export async function revokeDocument(
  documentId: string,
  body: { reason: string; supersededBy?: string },
): Promise<void> {
  const path = `/api/documents/${documentId}/revoke`;
  try {
    await api('POST', path, body);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'SIGNATURE_REQUIRED') throw error;
    const o = await api<{ options: PublicKeyCredentialRequestOptionsJSON }>('POST', `${path}/options`, body);
    const credential = await startAuthentication({ optionsJSON: o.options }).catch(refusal);
    await api('POST', path, { ...body, credential });
  }
}
