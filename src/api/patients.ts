import { Type } from '@sinclair/typebox';
import { PATIENT_ID_KINDS } from '../core/index.js';
import { Email, Name, Password } from './common.js';

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password,
    name: Name,
    dateOfBirth: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
    patientId: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'Aadhaar (12 digits), ABHA (14 digits) or mobile number',
    }),
    patientIdKind: Type.Optional(Type.Union(PATIENT_ID_KINDS.map((k) => Type.Literal(k)))),
  },
  { additionalProperties: false },
);

/**
 * 201 of a registration: the same shape and values whether or not the id is claimed or owned by others
 * (only what the caller typed shows). `idProven` is false until the code sent to the id comes back.
 */
export const PatientCreated = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  patientIdMasked: Type.String(),
  patientIdKind: Type.String(),
  idProven: Type.Boolean(),
});

export const ProveCodeBody = Type.Object(
  {
    code: Type.String({
      pattern: '^\\s*\\d{6}\\s*$',
      description: 'the 6-digit code sent to the patient id',
    }),
  },
  { additionalProperties: false },
);

/** The id is proven: how many documents that were held for it are now the caller's. */
export const IdProven = Type.Object({ idProven: Type.Literal(true), released: Type.Integer() });
