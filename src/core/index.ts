// The pure domain: no I/O, runs in Node and in the browser. Verifiers need only this and a chain reader.
export { MedproofError, isMedproofError } from './errors/MedproofError.js';
export { ok, fail, type Result } from './errors/Result.js';
export type { Hasher } from './hash/Hasher.js';
export { digestChunks } from './hash/digestChunks.js';
export { sha256Hasher } from './hash/sha256Hasher.js';
export { toHex, fromHex, isBytes32 } from './hash/hex.js';
export { buildMerkleTree, type MerkleTree } from './merkle/buildMerkleTree.js';
export { processProof, verifyProof } from './merkle/processProof.js';
export { hashPair, compareBytes } from './merkle/hashPair.js';
export { LEAF_TYPES, type LeafFields } from './leaf/LeafFields.js';
export { computeLeaf, leafValues } from './leaf/computeLeaf.js';
export { DOC_TYPES, parseDocType } from './leaf/docType.js';
export {
  parsePatientId,
  PATIENT_ID_KINDS,
  type PatientId,
  type PatientIdKind,
} from './patientId/parsePatientId.js';
export { maskPatientId } from './patientId/maskPatientId.js';
export { patientRef } from './patientId/patientRef.js';
export { verhoeffValid, verhoeffDigit } from './patientId/verhoeff.js';
export { ReceiptSchema, RECEIPT_VERSION, type Receipt } from './receipt/receiptSchema.js';
export { parseReceipt, parseReceiptJson, type ReceiptError } from './receipt/parseReceipt.js';
export { buildReceipt, type AnchorPoint } from './receipt/buildReceipt.js';
export { verifyDocument, type VerifyInput } from './verify/verifyDocument.js';
export { combineChecks } from './verify/combineChecks.js';
export {
  REVOCATION_REASONS,
  parseRevocationReason,
  revocationReasonName,
} from './verify/revocationReasons.js';
export type * from './verify/types.js';
export { checkPasswordPolicy, passwordProblem } from './accounts/passwordPolicy.js';
export { AUDIT_ACTIONS, type AuditAction, isAuditAction } from './audit/auditActions.js';
export { type AuditHead, auditHeadLeafFields, auditHeadOf } from './audit/auditHeadLeaf.js';
export {
  ERROR_CATALOG,
  type ErrorCatalogEntry,
  type ErrorCode,
  exitCodeOf,
  httpStatusOf,
} from './errors/errorCatalog.js';
export { checksumAddress, isAddressHex } from './hash/checksumAddress.js';
export {
  DomainSchema,
  type Institution,
  type InstitutionName,
  InstitutionSchema,
  type IssuerProfile,
  IssuerProfileSchema,
} from './identity/identitySchemas.js';
export { institutionCommitment } from './identity/institutionCommitment.js';
export { parseTrustList } from './identity/parseTrustList.js';
export { profileCommitment } from './identity/profileCommitment.js';
export type { TrustList } from './identity/trustListSchema.js';
export type { TxtResolver } from './identity/TxtResolver.js';
export {
  NOTIFICATION_KINDS,
  type NotificationKind,
  OPTIONAL_NOTIFICATION_KINDS,
} from './notifications/notificationKinds.js';
export { checkDateOfBirth } from './patientId/checkDateOfBirth.js';
export { documentPatientRef } from './patientId/documentPatientRef.js';
export { buildReceiptV2 } from './receipt/buildReceiptV2.js';
export { type AnyReceipt, type ReceiptV2, ReceiptV2Schema } from './receipt/receiptV2Schema.js';
export { initialsOf } from './stamp/initialsOf.js';
export {
  formatStampCode,
  isStampId,
  isStampSecret,
  parseStampCode,
  STAMP_CODE_BYTES,
  type StampCode,
  stampCodeFromBytes,
  stampPath,
} from './stamp/stampCode.js';
export {
  deriveStampKey,
  openStampPayload,
  sealStampPayload,
  type StampEnvelope,
} from './stamp/stampEnvelope.js';
export { type JsonRpcCall, registryCalls } from './verify/registryCalls.js';
export {
  type AssertionCheck,
  type PasskeyAssertion,
  verifyPasskeyAssertion,
} from './signature/verifyPasskeyAssertion.js';
export { formatPasskeyKey, parsePasskeyKey, type PasskeyKey } from './signature/passkeyKey.js';
export { fromBase64url, toBase64url } from './signature/base64url.js';
export { type IssuerSignature, IssuerSignatureSchema } from './receipt/receiptV2Schema.js';
export { UNSIGNED_MESSAGE } from './verify/checks/issuerSignature.js';
