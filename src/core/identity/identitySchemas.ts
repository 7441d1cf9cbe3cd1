import { Type, type Static } from '@sinclair/typebox';
import type { Hex } from 'viem';

const Bytes32 = (description: string) =>
  Type.Unsafe<Hex>(Type.String({ pattern: '^0x[0-9a-fA-F]{64}$', description }));

/** A DNS name as an institution publishes it: lower-case labels, at least one dot, no trailing dot. */
export const DomainSchema = Type.String({
  pattern: '^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$',
  description: 'lower-case DNS name, e.g. city-hospital.example',
});

/** An institution's public identity: what its registry's commitment and its DNS record vouch for. */
export const InstitutionNameSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    domain: DomainSchema,
  },
  { additionalProperties: false },
);
export type InstitutionName = Static<typeof InstitutionNameSchema>;

export const InstitutionSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    domain: DomainSchema,
    salt: Bytes32('random salt of the institution commitment'),
  },
  { additionalProperties: false },
);
export type Institution = Static<typeof InstitutionSchema>;

/** An issuer's public profile for one term; the registry holds a salted commitment to it. */
export const IssuerProfileSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'as registered, e.g. Dr. A. Deshpande' }),
    registrationNumber: Type.String({ minLength: 1, maxLength: 100 }),
    council: Type.String({ minLength: 1, maxLength: 100, description: 'registering council, e.g. MMC' }),
    institution: InstitutionNameSchema,
    passkeys: Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
      maxItems: 16,
      description: 'passkey (WebAuthn) public keys of the term; may be empty',
    }),
    salt: Bytes32('random salt of the profile commitment'),
  },
  { additionalProperties: false },
);
export type IssuerProfile = Static<typeof IssuerProfileSchema>;
