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
