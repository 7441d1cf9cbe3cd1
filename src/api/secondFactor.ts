import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

/**
 * Schemas of the second factor (issue 9): WebAuthn ceremonies as @simplewebauthn's JSON forms, TOTP and
 * recovery codes. The options objects are the WebAuthn spec's JSON (PublicKeyCredential*OptionsJSON),
 * passed through as they are.
 */
const B64url = Type.String({ minLength: 1, maxLength: 16_384, pattern: '^[A-Za-z0-9_-]+$' });
const ChallengeId = Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' });
const Extensions = Type.Object({}, { additionalProperties: true });

export const CeremonyOptions = Type.Object({
  challengeId: ChallengeId,
  options: Type.Object({}, { additionalProperties: true, description: 'WebAuthn options (JSON form)' }),
});

export const RegistrationCredential = Type.Object(
  {
    id: B64url,
    rawId: B64url,
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: B64url,
        attestationObject: B64url,
        authenticatorData: Type.Optional(B64url),
        transports: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 10 })),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
        publicKey: Type.Optional(B64url),
      },
      { additionalProperties: false },
    ),
    authenticatorAttachment: Type.Optional(Type.String({ maxLength: 20 })),
    clientExtensionResults: Extensions,
  },
  { additionalProperties: false },
);

export const AuthenticationCredential = Type.Object(
  {
    id: B64url,
    rawId: B64url,
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: B64url,
        authenticatorData: B64url,
        signature: B64url,
        userHandle: Type.Optional(B64url),
      },
      { additionalProperties: false },
    ),
    authenticatorAttachment: Type.Optional(Type.String({ maxLength: 20 })),
    clientExtensionResults: Extensions,
  },
  { additionalProperties: false },
);

export const AddPasskeyBody = Type.Object(
  {
    challengeId: ChallengeId,
    name: Type.Optional(Type.String({ maxLength: 100 })),
    credential: RegistrationCredential,
  },
  { additionalProperties: false },
);

export const AssertionBody = Type.Object(
  { challengeId: ChallengeId, credential: AuthenticationCredential },
  { additionalProperties: false },
);

export const CodeBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 40 }) },
  { additionalProperties: false },
);

export const PasskeySummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Type.Number(),
  lastUsedAt: Nullable(Type.Number()),
  deviceType: Type.String(),
  backedUp: Type.Boolean(),
});

export const SecurityOverview = Type.Object({
  passkeys: Type.Array(PasskeySummary),
  totp: Type.Boolean({ description: 'an authenticator app is set up' }),
  recoveryCodesLeft: Type.Integer(),
});

const RecoveryCodes = Type.Array(Type.String(), { description: 'shown once; only their hashes are kept' });

/** After a factor was added: the recovery codes (first factor only), and `me` when the session became full. */
export const Enrolled = Type.Object({
  passkey: Type.Optional(PasskeySummary),
  recoveryCodes: Type.Optional(RecoveryCodes),
  me: Type.Optional(Type.Ref('Me')),
});

export const TotpSetup = Type.Object({
  secret: Type.String({ description: 'base32, for typing into an authenticator app' }),
  uri: Type.String({ description: 'otpauth:// URI, for a QR code' }),
});

export const RecoveryCodesCreated = Type.Object({ recoveryCodes: RecoveryCodes });

export const CredentialIdParams = Type.Object({ id: B64url });
