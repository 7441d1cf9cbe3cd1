import { Type } from '@sinclair/typebox';
import { Nullable, Uuid } from './common.js';

export const CreateShare = Type.Object(
  {
    expiresInHours: Type.Integer({ minimum: 1, maximum: 8760 }),
    maxViews: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    recipientDoctorId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export const ShareCreatedSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  token: Type.String(),
  expiresAt: Type.Number(),
  maxViews: Nullable(Type.Number()),
  recipientDoctorId: Nullable(Type.String()),
});
export const ShareListItem = Type.Object({
  id: Type.String(),
  url: Type.String(),
  expiresAt: Type.Number(),
  maxViews: Nullable(Type.Number()),
  views: Type.Number(),
  revokedAt: Nullable(Type.Number()),
  recipient: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  active: Type.Boolean(),
  createdAt: Type.Number(),
});
export const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
export const ShareViewSchema = Type.Object({
  share: Type.Object({
    id: Type.String(),
    expiresAt: Type.Number(),
    maxViews: Nullable(Type.Number()),
    views: Type.Number(),
    recipientName: Nullable(Type.String()),
  }),
  document: Type.Object({
    title: Type.String(),
    docType: Type.String(),
    fileName: Type.String(),
    mimeType: Type.String(),
    size: Type.Number(),
    docHash: Type.String(),
    issuedAt: Type.Number(),
    patientName: Nullable(Type.String({ description: 'whose document it is, so the holder can match it' })),
    issuer: Type.Object({
      name: Type.String(),
      registrationNumber: Nullable(Type.String()),
      address: Type.String(),
    }),
  }),
});
