import { Type, type Static } from '@sinclair/typebox';
import type { Address } from 'viem';
import { InstitutionNameSchema } from './identitySchemas.js';

const AddressT = Type.Unsafe<Address>(
  Type.String({ pattern: '^0x[0-9a-fA-F]{40}$', description: '20-byte address, 0x-hex' }),
);

/**
 * A verifier's own list of registries it trusts (EU DCC-style): several hospitals, each a registry on
 * a chain and the institution it belongs to. The verifier chooses the file; nothing in a receipt can
 * add to it.
 */
export const TrustListSchema = Type.Object(
  {
    version: Type.Literal(1),
    name: Type.String({ minLength: 1, maxLength: 200, description: 'who keeps the list' }),
    registries: Type.Array(
      Type.Object(
        {
          chainId: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }),
          registry: AddressT,
          institution: InstitutionNameSchema,
        },
        { additionalProperties: false },
      ),
      { maxItems: 10_000 },
    ),
  },
  {
    $id: 'https://medproof.dev/schemas/trust-list-v1.json',
    title: 'medproof trust list v1',
    additionalProperties: false,
  },
);

export type TrustList = Static<typeof TrustListSchema>;
export type TrustListEntry = TrustList['registries'][number];
