import { Type } from '@sinclair/typebox';
import { Email, Name, Password } from './common.js';

export const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
export const SetupBody = Type.Object(
  { token: Type.String({ minLength: 20, maxLength: 200 }), email: Email, name: Name, password: Password },
  { additionalProperties: false },
);
export const PasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export const ResetRequestBody = Type.Object({ email: Email }, { additionalProperties: false });
export const ResetRequested = Type.Object({ message: Type.String() });
export const ResetCompleteBody = Type.Object(
  { token: Type.String({ minLength: 20, maxLength: 200 }), newPassword: Password },
  { additionalProperties: false },
);
export const SetupNeeded = Type.Object({ needed: Type.Boolean() });

export const MeSchema = Type.Object(
  {
    user: Type.Object({
      id: Type.String(),
      email: Type.String(),
      name: Type.String(),
      role: Type.Union([Type.Literal('admin'), Type.Literal('doctor'), Type.Literal('patient')]),
    }),
    csrfToken: Type.String({ description: 'send as the x-csrf-token header with every change' }),
    stage: Type.Union([Type.Literal('full'), Type.Literal('second-factor'), Type.Literal('enroll')], {
      description:
        'full: signed in; second-factor: a doctor or admin after the password, who must confirm with a passkey or code; enroll: one who must set up a passkey or authenticator app first',
    }),
    secondFactors: Type.Optional(
      Type.Object(
        { passkey: Type.Boolean(), totp: Type.Boolean() },
        { description: 'at the second-factor stage: what can confirm it' },
      ),
    ),
    patient: Type.Optional(
      Type.Object({
        patientIdMasked: Type.String(),
        patientIdKind: Type.String(),
        idProven: Type.Boolean({
          description: 'false: documents issued to the id are held until a code or a doctor proves it',
        }),
      }),
    ),
    doctor: Type.Optional(Type.Object({ registrationNumber: Type.String(), issuerAddress: Type.String() })),
    limits: Type.Optional(
      Type.Object({ maxUploadBytes: Type.Number({ description: 'the largest file an upload may carry' }) }),
    ),
  },
  { $id: 'Me' },
);
