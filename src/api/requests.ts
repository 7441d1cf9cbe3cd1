import { Type } from '@sinclair/typebox';
import { Nullable, Uuid } from './common.js';

export const CreateRequest = Type.Object(
  {
    doctorId: Uuid,
    docType: Type.String({ minLength: 1, maxLength: 64 }),
    note: Type.String({ maxLength: 2000, default: '' }),
  },
  { additionalProperties: false },
);
export const RejectBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);
export const RequestSchema = Type.Object({
  id: Type.String(),
  patientId: Type.String(),
  patientName: Type.String(),
  doctorId: Type.String(),
  doctorName: Type.String(),
  docType: Type.String(),
  note: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('issued'), Type.Literal('rejected')]),
  reason: Nullable(Type.String()),
  documentId: Nullable(Type.String()),
  createdAt: Type.Number(),
  patientIdProven: Type.Boolean({
    description:
      'false: documents issued on this request are held until the patient proves their id (or the doctor confirms it in person)',
  }),
});
