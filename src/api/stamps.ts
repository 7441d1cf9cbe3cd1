import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';

/** `YYYY-MM-DD`, a calendar date as people write it on a certificate (no time zone to get wrong). */
export const CalendarDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const CertificateKind = Type.Union(
  [Type.Literal('sick-leave'), Type.Literal('fitness'), Type.Literal('report')],
  { description: 'medical (sick-leave) certificate, fitness certificate, or a free-text report' },
);
export type CertificateKindName = Static<typeof CertificateKind>;

/**
 * What the verification page shows for a stamped document: what a verifier compares with the paper.
 * Only what the paper itself shows — initials and a masked id, never the full name or id number.
 */
export const StampSummarySchema = Type.Object({
  docType: Type.String(),
  title: Type.String(),
  issuedAt: Type.Number({ description: 'unix seconds' }),
  doctor: Type.Object({ name: Type.String(), registrationNumber: Nullable(Type.String()) }),
  institution: Type.String(),
  patient: Type.Object({ initials: Type.String(), maskedId: Type.String() }),
  certificate: Type.Optional(
    Type.Object({
      kind: CertificateKind,
      from: Type.Optional(CalendarDate),
      to: Type.Optional(CalendarDate),
    }),
  ),
});
export type StampSummary = Static<typeof StampSummarySchema>;

/** The plaintext inside a stamp envelope: the summary, the fingerprint, and the receipt once anchored. */
export const StampPayloadSchema = Type.Object({
  version: Type.Literal(1),
  summary: StampSummarySchema,
  docHash: Type.String(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('anchored'),
    Type.Literal('revoked'),
    Type.Literal('failed'),
  ]),
  receipt: Nullable(Type.Unknown()),
});
export type StampPayload = Static<typeof StampPayloadSchema>;

/** GET /api/stamps/:stampId — ciphertext only; the key comes from the secret in the QR's fragment. */
export const StampEnvelopeSchema = Type.Object({
  version: Type.Literal(1),
  iv: Type.String(),
  data: Type.String(),
});

export const StampParams = Type.Object({
  stampId: Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{10}$' }),
});

/** POST /api/certificates: a certificate filled in as a form; the portal renders, stamps and issues it. */
export const CertificateBody = Type.Object(
  {
    requestId: Type.Optional(Type.String({ format: 'uuid' })),
    patientId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    kind: CertificateKind,
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' })),
    text: Type.String({
      minLength: 1,
      maxLength: 4000,
      pattern: '\\S',
      description: 'diagnosis and advice (sick leave), what the patient is fit for (fitness), or the report',
    }),
    from: Type.Optional(CalendarDate),
    to: Type.Optional(CalendarDate),
  },
  { additionalProperties: false },
);
export type CertificateInput = Static<typeof CertificateBody>;
