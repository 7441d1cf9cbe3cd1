/** How long the browser's passkey prompt for signing stays open. */
const SIGN_TIMEOUT_MS = 5 * 60_000;

/**
 * WebAuthn request options asking one of the doctor's passkeys to sign `challenge` (a leaf, or a
 * revocation's digest): what `@simplewebauthn/browser`'s startAuthentication takes. The challenge is
 * the commitment itself, not a random nonce: the assertion is the doctor's signature over it.
 */
export function signatureAsked(s: { challenge: string; credentialIds: readonly string[] }, rpId: string) {
  return {
    challenge: s.challenge,
    options: {
      challenge: s.challenge,
      rpId,
      allowCredentials: s.credentialIds.map((id) => ({ id, type: 'public-key' as const })),
      userVerification: 'preferred' as const,
      timeout: SIGN_TIMEOUT_MS,
    },
  };
}
