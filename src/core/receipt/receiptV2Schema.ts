import { Type, type Static } from '@sinclair/typebox';
import { InstitutionSchema, IssuerProfileSchema } from '../identity/identitySchemas.js';
import { RECEIPT_V2_VERSION, receiptFields, type Receipt } from './receiptSchema.js';

const B64url = (description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9_-]+$', minLength: 1, maxLength: 4096, description });

/**
 * The issuing doctor's passkey assertion over the leaf (WebAuthn challenge = the leaf's 32 bytes): a
 * key listed in `issuerProfile.passkeys` signed `authenticatorData ‖ SHA-256(clientDataJSON)`. Absent
 * on documents issued without one (the profile lists no passkey).
 */
export const IssuerSignatureSchema = Type.Object(
  {
    credentialId: B64url('the passkey’s credential id'),
    authenticatorData: B64url('WebAuthn authenticator data'),
    clientDataJSON: B64url('WebAuthn client data JSON (type webauthn.get, challenge = base64url(leaf))'),
    signature: B64url('the signature (ES256: DER)'),
  },
  { additionalProperties: false },
);
export type IssuerSignature = Static<typeof IssuerSignatureSchema>;

/**
 * A document's receipt, version 2: the v1 fields (same leaf, so StandardMerkleTree and `cast` still
 * agree) plus what the verifier needs to recompute the registry's commitments: the issuer's profile for
 * the term the document was anchored in, and the institution. Both are salted, so the chain's
 * commitments reveal nothing to someone without the receipt.
 */
export const ReceiptV2Schema = Type.Object(
  {
    version: Type.Literal(RECEIPT_V2_VERSION),
    ...receiptFields,
    issuerProfile: IssuerProfileSchema,
    institution: InstitutionSchema,
    issuerSignature: Type.Optional(IssuerSignatureSchema),
  },
  {
    $id: 'https://medproof.dev/schemas/receipt-v2.json',
    title: 'medproof receipt v2',
    additionalProperties: false,
  },
);

export type ReceiptV2 = Static<typeof ReceiptV2Schema>;

/** A receipt of any version this build reads. */
export type AnyReceipt = Receipt | ReceiptV2;
