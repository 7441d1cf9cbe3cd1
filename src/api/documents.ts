import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { AuthenticationCredential } from './secondFactor.js';

export const DocumentStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('anchored'),
  Type.Literal('revoked'),
  Type.Literal('failed'),
]);

export const DocumentSchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    docType: Type.String(),
    fileName: Type.String(),
    mimeType: Type.String(),
    size: Type.Number(),
    docHash: Type.String(),
    issuedAt: Type.Number({ description: 'unix seconds' }),
    status: DocumentStatus,
    patient: Type.Object({ id: Type.String(), name: Type.String() }),
    issuer: Type.Object({
      id: Type.String(),
      name: Type.String(),
      registrationNumber: Nullable(Type.String()),
      address: Type.String(),
    }),
    anchor: Nullable(
      Type.Object({
        blockNumber: Type.Number(),
        txHash: Nullable(Type.String()),
        anchoredAt: Nullable(Type.Number()),
      }),
    ),
    revocation: Nullable(
      Type.Object({ at: Type.Number(), reason: Type.Number(), reasonName: Type.String() }),
    ),
    requestId: Nullable(Type.String()),
    createdAt: Type.Number(),
    signature: Type.Optional(
      Type.Union([Type.Literal('none'), Type.Literal('awaited'), Type.Literal('signed')], {
        description:
          "the issuing doctor's passkey signature over the leaf: `awaited` until they sign (it is anchored after); `none` for a doctor without passkeys",
      }),
    ),
    sharedWithMe: Type.Optional(
      Type.Boolean({ description: 'in a doctor’s list: shared with you by the patient' }),
    ),
  },
  { $id: 'Document' },
);

export const RevokeBody = Type.Object(
  {
    reason: Type.Union([
      Type.Integer({ minimum: 0, maximum: 65535 }),
      Type.String({ minLength: 1, maxLength: 40 }),
    ]),
    supersededBy: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'reason superseded: the id of the document (yours, same patient) that replaces this one',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A revocation with the doctor's passkey signature over it (required when their profile lists passkeys). */
export const SignedRevokeBody = Type.Object(
  {
    ...RevokeBody.properties,
    credential: Type.Optional(AuthenticationCredential),
  },
  { additionalProperties: false },
);

/** GET /api/documents/changes: changes whenever the caller's document list would. */
export const DocumentsMark = Type.Object({ mark: Type.String() });

/** 201 of an upload: the document is stored and queued for anchoring. */
/**
 * The doctor's profile lists passkeys: the document waits (not anchored) until one of them signs its
 * leaf. `options` are WebAuthn request options for `navigator.credentials.get` (challenge = the leaf).
 */
export const SignatureAsked = Type.Object({
  challenge: Type.String({ description: 'base64url of the leaf’s 32 bytes' }),
  options: Type.Object(
    {
      challenge: Type.String(),
      rpId: Type.String(),
      allowCredentials: Type.Array(
        Type.Object({ id: Type.String(), type: Type.Literal('public-key') }, { additionalProperties: false }),
      ),
      userVerification: Type.Literal('preferred'),
      timeout: Type.Integer(),
    },
    { additionalProperties: false },
  ),
});

export const Issued = Type.Object({
  id: Type.String(),
  docHash: Type.String(),
  leaf: Type.String(),
  status: Type.Literal('pending'),
  // Optional: answers stored for Idempotency-Key replays before it existed lack it.
  patient: Type.Optional(
    Type.Union([Type.Literal('account'), Type.Literal('invited')], {
      description:
        '`invited`: no account has proven this patient id yet; the document is held for the id and the patient is invited (SMS / the id provider)',
    }),
  ),
  stamped: Type.Optional(
    Type.Boolean({
      description: 'the stored file carries a verification stamp (QR code and code) on every page',
    }),
  ),
  stampNote: Type.Optional(
    Type.String({ description: 'why a PDF or image was issued without a stamp, in plain words' }),
  ),
  signature: Type.Optional(SignatureAsked),
});

/** The multipart fields of an upload besides the file (checked by hand: multipart bodies are streamed). */
export const ISSUE_FIELDS = ['requestId', 'patientId', 'docType', 'title', 'sha256'] as const;

/** A doctor's passkey assertion over the document's leaf (`@simplewebauthn/browser` startAuthentication's answer). */
export const SignDocumentBody = Type.Object(
  { credential: AuthenticationCredential },
  { additionalProperties: false },
);
