/**
 * The WebAuthn relying party: its id is the public URL's host name and every ceremony must come from
 * the public URL's origin, so a passkey made for this portal answers nowhere else (phishing
 * resistance). Browsers refuse IP addresses as RP ids: behind `http://127.0.0.1:3000` only TOTP works;
 * use a host name (`localhost` on one machine).
 */
export interface RelyingParty {
  readonly id: string;
  readonly origin: string;
  readonly name: string;
}

export function relyingPartyOf(publicUrl: string, name = 'medproof'): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, origin: url.origin, name };
}
