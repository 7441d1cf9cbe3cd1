import { Type } from '@sinclair/typebox';
import { AnyReceiptRef } from './receipts.js';

const VERDICTS = [
  'VALID',
  'TAMPERED',
  'NOT_ANCHORED',
  'PENDING',
  'REVOKED',
  'UNKNOWN_ISSUER',
  'ERROR',
] as const;

export const CheckSchema = Type.Object({
  check: Type.String(),
  status: Type.Union(['VALID', 'INVALID', 'ERROR', 'SKIPPED'].map((s) => Type.Literal(s))),
  code: Type.String(),
  message: Type.String(),
});

/** A verification answer: the verdict, its deciding code, every check, and the chain's facts. */
export const VerificationSchema = Type.Object(
  {
    verdict: Type.Union(VERDICTS.map((s) => Type.Literal(s))),
    code: Type.String(),
    message: Type.String(),
    docHash: Type.String(),
    checks: Type.Array(CheckSchema),
    anchor: Type.Optional(
      Type.Object({
        root: Type.String(),
        chainId: Type.Number(),
        registry: Type.String(),
        txHash: Type.Optional(Type.String()),
        // Registry v1 records who anchored; v2 keeps that in the Anchored event only.
        anchorer: Type.Optional(Type.String()),
        anchoredAt: Type.Number(),
        blockNumber: Type.Number(),
        leafCount: Type.Number(),
      }),
    ),
    revocation: Type.Optional(
      Type.Object({
        revokedAt: Type.Number(),
        reason: Type.Number(),
        reasonName: Type.String(),
        // Registry v2, reason superseded: the leaf of the document that replaces this one.
        supersededBy: Type.Optional(Type.String()),
      }),
    ),
    issuer: Type.Optional(Type.String()),
    // Who issued it comes only from a v2 receipt's profile, matched against the registry's commitment,
    // never from the portal's database (a hash-only lookup names no one the receipt does not).
    issuerIdentity: Type.Optional(
      Type.Object({
        name: Type.String(),
        registrationNumber: Type.String(),
        council: Type.String(),
        institution: Type.Object({ name: Type.String(), domain: Type.String() }),
      }),
    ),
    // Whether the issuing doctor's passkey signed the leaf (issue 9); unsigned documents say so.
    issuerSignature: Type.Optional(
      Type.Object({
        signed: Type.Boolean(),
        message: Type.String(),
        credentialId: Type.Optional(Type.String()),
      }),
    ),
    receipt: Type.Optional(Type.Union([AnyReceiptRef, Type.Null()])),
  },
  { $id: 'Verification' },
);

/** The JSON form of a verification (multipart shares the route and is read by hand). */
export const VerifyJson = Type.Object(
  {
    docHash: Type.String({ pattern: '^(0x)?[0-9a-fA-F]{64}$', description: 'SHA-256 of the file, hex' }),
    receipt: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
