/**
 * The HTTP API's contract: TypeBox schemas of every request and response, shared by the server (which
 * validates with them and takes its handler types from them) and the browser UI (which takes its types
 * from them). Browser-safe: imports only TypeBox and src/core.
 */
import type { Static } from '@sinclair/typebox';
import type { AdminStatus, UserSchema } from './admin.js';
import type { AuditEventSchema } from './audit.js';
import type { MeSchema } from './auth.js';
import type { Doctor } from './doctors.js';
import type { DocumentSchema } from './documents.js';
import type { RequestSchema } from './requests.js';
import type { ShareCreatedSchema, ShareListItem, ShareViewSchema } from './shares.js';
import type { CheckSchema, VerificationSchema } from './verify.js';
import type {
  Enrolled as EnrolledSchema,
  PasskeySummary as PasskeySummarySchema,
  SecurityOverview as SecurityOverviewSchema,
  TotpSetup as TotpSetupSchema,
} from './secondFactor.js';

export * from './admin.js';
export * from './audit.js';
export * from './auth.js';
export * from './common.js';
export * from './doctors.js';
export * from './documents.js';
export * from './notifications.js';
export * from './patients.js';
export * from './requests.js';
export * from './secondFactor.js';
export * from './shares.js';
export * from './stepUp.js';
export * from './verify.js';

export type Me = Static<typeof MeSchema>;
export type Role = Me['user']['role'];
export type DocumentView = Static<typeof DocumentSchema>;
export type DocRequest = Static<typeof RequestSchema>;
export type DoctorListItem = Static<typeof Doctor>;
export type Share = Static<typeof ShareListItem>;
export type ShareCreated = Static<typeof ShareCreatedSchema>;
export type Check = Static<typeof CheckSchema>;
export type Verification = Omit<Static<typeof VerificationSchema>, 'receipt'> & { receipt?: unknown };
export type ShareView = Omit<Static<typeof ShareViewSchema>, 'verification'> & { verification: Verification };
export type AuditEvent = Static<typeof AuditEventSchema>;
export type UserRow = Static<typeof UserSchema>;
export type AdminStatusView = Static<typeof AdminStatus>;
export type Passkey = Static<typeof PasskeySummarySchema>;
export type Security = Static<typeof SecurityOverviewSchema>;
export type TotpSetupView = Static<typeof TotpSetupSchema>;
/** `me` is a $ref in the schema: typed here. */
export type EnrolledView = Omit<Static<typeof EnrolledSchema>, 'me'> & { me?: Me };
export { AnyReceiptRef } from './receipts.js';
export {
  CertificateBody,
  type CertificateInput,
  type CertificateKindName,
  StampEnvelopeSchema,
  StampParams,
  type StampPayload,
  type StampSummary,
} from './stamps.js';
