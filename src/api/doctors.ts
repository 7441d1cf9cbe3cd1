import { Type } from '@sinclair/typebox';
import { Email, Name, Password } from './common.js';

export const CreateDoctor = Type.Object(
  {
    email: Email,
    name: Name,
    registrationNumber: Type.String({
      minLength: 2,
      maxLength: 64,
      pattern: '^[A-Za-z0-9/ .-]+$',
      description: 'medical council registration number',
    }),
    council: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 64,
        pattern: '^[A-Za-z0-9 .&()-]+$',
        description: 'registering medical council, e.g. MMC (default NMC); part of the public issuer profile',
      }),
    ),
    password: Password,
    issuerAddress: Type.Optional(
      Type.String({
        pattern: '^0x[0-9a-fA-F]{40}$',
        description: "the doctor's own Ethereum address, if they have one",
      }),
    ),
  },
  { additionalProperties: false },
);
/** An admin reports a doctor's issuing key compromised from a past moment. */
export const MarkCompromised = Type.Object(
  {
    from: Type.Integer({
      minimum: 1,
      description: 'unix seconds from which documents anchored for this doctor are not to be trusted',
    }),
  },
  { additionalProperties: false },
);
export const Doctor = Type.Object({
  id: Type.String(),
  name: Type.String(),
  registrationNumber: Type.String(),
});
export const DoctorCreated = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  registrationNumber: Type.String(),
  issuerAddress: Type.String(),
});

/** A change to a doctor's public profile (admin): a new term on chain commits to the new profile. */
export const RenewProfile = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    registrationNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    council: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
