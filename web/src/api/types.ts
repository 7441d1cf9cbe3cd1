/**
 * What the portal's API answers, taken from the schemas the server validates with (src/api): one
 * contract, so a field the server renames or drops breaks this build instead of a page at run time.
 */
import type { Static } from '@sinclair/typebox';
import type { DoctorCreated as DoctorCreatedSchema, Issued as IssuedSchema } from '../../../src/api/index.js';

export type {
  AdminStatusView,
  AuditEvent,
  Check,
  DocRequest,
  DoctorListItem,
  DocumentView,
  EnrolledView,
  Me,
  Passkey,
  Role,
  Security,
  Share,
  ShareCreated,
  ShareView,
  TotpSetupView,
  UserRow,
  Verification,
} from '../../../src/api/index.js';

/** 201 of POST /api/doctors. */
export type DoctorCreated = Static<typeof DoctorCreatedSchema>;
/** 201 of an upload (POST /api/documents). */
export type Issued = Static<typeof IssuedSchema>;
