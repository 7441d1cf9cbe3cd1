import type { Institution, IssuerProfile } from '../identity/identitySchemas.js';
import type { LeafFields } from '../leaf/LeafFields.js';
import { buildReceipt, type AnchorPoint } from './buildReceipt.js';
import { RECEIPT_V2_VERSION } from './receiptSchema.js';
import type { IssuerSignature, ReceiptV2 } from './receiptV2Schema.js';

/**
 * Assembles a v2 receipt: the v1 fields in their canonical order, then the issuer's profile and the
 * institution (each with its commitment salt), copied so the caller's objects can change afterwards.
 */
export function buildReceiptV2(
  fields: LeafFields,
  leaf: LeafFields['docHash'],
  anchor: AnchorPoint,
  identity: {
    readonly issuerProfile: IssuerProfile;
    readonly institution: Institution;
    readonly issuerSignature?: IssuerSignature | undefined;
  },
): ReceiptV2 {
  const { version: _v1, ...common } = buildReceipt(fields, leaf, anchor);
  const p = identity.issuerProfile;
  const i = identity.institution;
  return {
    version: RECEIPT_V2_VERSION,
    ...common,
    issuerProfile: {
      name: p.name,
      registrationNumber: p.registrationNumber,
      council: p.council,
      institution: { name: p.institution.name, domain: p.institution.domain },
      passkeys: [...p.passkeys],
      salt: p.salt,
    },
    institution: { name: i.name, domain: i.domain, salt: i.salt },
    ...(identity.issuerSignature ? { issuerSignature: { ...identity.issuerSignature } } : {}),
  };
}
