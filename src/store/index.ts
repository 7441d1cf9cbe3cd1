// The public surface of src/store: other layers import from here, never from files inside.
export { AccountRepository } from './accounts/AccountRepository.js';
export { issuerProfileOf } from './accounts/issuerProfileOf.js';
export { issuerProfileOfLeaf, renewIssuerProfile } from './accounts/renewIssuerProfile.js';
export { issueSignatureOf } from './documents/issueSignatureOf.js';
export {
  confirmedRecently,
  type LoadedSession,
  loadSession,
  type SessionPolicy,
  type SessionUser,
} from './accounts/sessions.js';
export {
  batchesIn,
  type BatchRow,
  confirmedToRecheck,
  insertBatch,
  leafAnchor,
  leafStatuses,
  queuedLeaves,
  issuerAnchoring,
  queueStats,
  type QueueStats,
  recordAnchorTx,
  recordChecked,
  recordConfirmed,
  recordFailed,
  recordFinal,
  recordMined,
  recordRetry,
  recordSigned,
  resetToBuilt,
  type SignedTx,
  txsOf,
} from './anchorQueue/anchorQueue.js';
export { type AnchoringGauges, anchoringGauges } from './anchorQueue/anchoringGauges.js';
export { recordedGenesis, recordGenesis } from './anchorQueue/chainFacts.js';
export { type Actor, systemActor } from './audit/Actor.js';
export type { ActorRole } from './audit/appendAudit.js';
export { auditAnchorsNewestFirst, auditHashAt, commitAuditHead } from './audit/auditAnchors.js';
export { AuditWriter } from './audit/AuditWriter.js';
export { type AuditChainReport, verifyAuditChain } from './audit/verifyAuditChain.js';
export type { BlobStore, TempBlob } from './blobs/BlobStore.js';
export { FsBlobStore } from './blobs/FsBlobStore.js';
export { S3BlobStore, type S3Options } from './blobs/S3BlobStore.js';
export { reconcileBlobs } from './blobs/reconcileBlobs.js';
export {
  appliedChainOps,
  type ChainOp,
  chainOpCounts,
  type ChainOpRow,
  issuersBeingEnrolled,
  nextChainOp,
  recordOpDone,
  recordOpFailed,
  recordOpRetry,
  recordOpSigned,
  resetOpToPending,
} from './chainOps/chainOpsQueue.js';
export { createRepositories, type Repositories } from './createRepositories.js';
export { seal, unseal } from './crypto/keyWrap.js';
export { decryptChunks, encryptChunks } from './crypto/streamCipher.js';
export type { Db, Executor } from './db/Db.js';
export type { WriteGuard } from './db/guardedPostgres.js';
export { isDatabaseUnavailable } from './db/isDatabaseUnavailable.js';
export { openDatabase, sqlitePathOf } from './db/openDatabase.js';
export type { Role, SessionStage } from './db/schema.js';
export { checkSecretsFingerprint, compareSecretsFingerprint } from './deployment/secretsFingerprint.js';
export type { IssueInput, Issued as IssuedDocument } from './documents/DocumentRepository.js';
export type { DocumentListRow, DocumentRow } from './documents/documentRows.js';
export { assertLeaseHeld, claimLease, type LeaseToken, releaseLease } from './lease/writerLease.js';
export type { NotificationOutbox } from './notifications/NotificationOutbox.js';
export { countRequest, pruneRequestCounts } from './rateLimits/countRequest.js';
export { relyingPartyOf } from './secondFactor/RelyingParty.js';
export type { NewSession } from './secondFactor/SecondFactorRepository.js';
