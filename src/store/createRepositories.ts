import type { InstitutionName } from '../core/index.js';
import { AccountRepository } from './accounts/AccountRepository.js';
import { AuditLogRepository } from './audit/AuditLogRepository.js';
import type { AuditWriter } from './audit/AuditWriter.js';
import type { Db } from './db/Db.js';
import { DocumentRepository } from './documents/DocumentRepository.js';
import { RequestRepository } from './requests/RequestRepository.js';
import type { RelyingParty } from './secondFactor/RelyingParty.js';
import { SecondFactorRepository } from './secondFactor/SecondFactorRepository.js';
import { ShareRepository } from './shares/ShareRepository.js';
import { PasswordResets } from './accounts/PasswordResets.js';
import { PatientIdProof } from './accounts/PatientIdProof.js';
import { NotificationOutbox } from './notifications/NotificationOutbox.js';
import { NotificationPrefs } from './notifications/NotificationPrefs.js';
import { StampRepository } from './stamps/StampRepository.js';

/** Every repository over one database: the only objects routes and commands read and change data through. */
export interface Repositories {
  readonly accounts: AccountRepository;
  readonly documents: DocumentRepository;
  readonly shares: ShareRepository;
  readonly requests: RequestRepository;
  readonly auditLog: AuditLogRepository;
  readonly secondFactors: SecondFactorRepository;
  readonly patientIdProof: PatientIdProof;
  readonly passwordResets: PasswordResets;
  readonly notificationPrefs: NotificationPrefs;
  readonly outbox: NotificationOutbox;
  readonly stamps: StampRepository;
}

export function createRepositories(
  db: Db,
  audit: AuditWriter,
  secrets: {
    readonly masterKey: Uint8Array;
    readonly patientRefSecret: Uint8Array;
    readonly institution: InstitutionName;
  },
  rp: RelyingParty,
): Repositories {
  const documents = new DocumentRepository(db, audit, secrets.patientRefSecret, secrets.masterKey);
  return {
    accounts: new AccountRepository(db, secrets, audit),
    documents,
    shares: new ShareRepository(db, audit, secrets.masterKey, documents),
    requests: new RequestRepository(db, secrets.masterKey),
    auditLog: new AuditLogRepository(db),
    secondFactors: new SecondFactorRepository(db, audit, secrets.masterKey, rp),
    patientIdProof: new PatientIdProof(db, secrets),
    passwordResets: new PasswordResets(db, secrets.masterKey),
    notificationPrefs: new NotificationPrefs(db),
    outbox: new NotificationOutbox(db, secrets.masterKey),
    stamps: new StampRepository(db, audit, secrets.masterKey),
  };
}
