import type { Generated } from 'kysely';

/** Times are unix milliseconds (bigint columns), hashes lower-case 0x-hex text: the same in SQLite and PostgreSQL. */
export interface AnchorLeavesTable {
  leaf: string;
  status: 'queued' | 'batched' | 'anchored';
  batch_id: number | null;
  queued_at: number;
}

/** `final`: confirmed and deep enough (or under the chain's `finalized` block) that it is no longer re-checked. */
export type BatchStatus = 'built' | 'sent' | 'mined' | 'confirmed' | 'final' | 'failed';

export interface AnchorBatchesTable {
  id: Generated<number>;
  root: string;
  leaf_count: number;
  /** JSON array of the leaves in tree input order: proofs are rebuilt from it on demand. */
  leaves: string;
  chain_id: number;
  registry: string;
  status: BatchStatus;
  nonce: number | null;
  tx_hash: string | null;
  block_number: number | null;
  block_hash: string | null;
  /** Chain time of the anchoring block, unix seconds. */
  anchored_at: number | null;
  attempts: number;
  /** How often the chain lost this anchor and it was sent again (reorgs, a dev node's restart). */
  reanchor_count: number;
  next_attempt_at: number;
  error_code: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  confirmed_at: number | null;
  /** When a confirmed batch was last re-checked against the chain (0005): the least recently checked go first. */
  checked_at: number | null;
  final_at: number | null;
}

/** What the chain looked like when this engine first anchored into it (0005): a reset chain is told apart by its genesis. */
export interface ChainFactsTable {
  chain_id: number;
  registry: string;
  genesis_hash: string;
  recorded_at: number;
}

/** Every signed transaction, persisted before it is broadcast: after a crash it is re-sent, never re-signed blindly. */
export interface AnchorTxsTable {
  tx_hash: string;
  batch_id: number;
  nonce: number;
  raw: string;
  /** maxFeePerGas (or gasPrice) and maxPriorityFeePerGas in wei, decimal: a replacement must outbid them. */
  fee: string;
  tip: string;
  created_at: number;
}

export type Role = 'admin' | 'doctor' | 'patient';

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  role: Role;
  name: string;
  status: 'active' | 'disabled';
  created_at: number;
  updated_at: number;
}

export interface DoctorsTable {
  user_id: string;
  registration_number: string;
  issuer_address: string;
  /** JSON of the IssuerProfile (with its salt) committed in the doctor's registry v2 terms; null before v2. */
  issuer_profile: string | null;
  /** Documents and bytes this doctor has issued (0017): the quota's count, bumped as each is issued. */
  issued_documents: Generated<number>;
  issued_bytes: Generated<number>;
}

export interface PatientsTable {
  user_id: string;
  patient_ref: string;
  id_kind: string;
  id_sealed: string;
  id_masked: string;
  dob_sealed: string;
  /** HMAC of the claimed id (0007); `patient_ref` equals it only once the id is proven, else `claim:<user id>`. */
  claimed_ref: string | null;
  id_proven_at: number | null;
  /** `code` (a one-time code to the id), `in-person` (a doctor), `before-proof` (accounts older than 0007). */
  id_proven_via: string | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  /** `full`, or for doctors and admins `second-factor` / `enroll` until their second factor passes (0100). */
  stage: SessionStage;
  /** When the session last confirmed the password or a second factor (sign-in, step-up); null: never (0014). */
  confirmed_at: number | null;
}

export type SessionStage = 'full' | 'second-factor' | 'enroll';

/** A passkey (WebAuthn credential) of a doctor or admin (0100). */
export interface WebauthnCredentialsTable {
  id: string;
  user_id: string;
  name: string;
  /** COSE_Key, base64url. */
  public_key: string;
  /** COSE algorithm (-7 ES256, -257 RS256, -8 EdDSA). */
  algorithm: number;
  counter: number;
  /** JSON array of transports. */
  transports: string;
  aaguid: string;
  device_type: string;
  backed_up: number;
  created_at: number;
  last_used_at: number | null;
}

export interface TotpSecretsTable {
  user_id: string;
  secret_sealed: string;
  confirmed_at: number | null;
  last_step: number;
  created_at: number;
}

export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

export type ChallengePurpose = 'register' | 'second-factor' | 'passkey-sign-in' | 'step-up';

/** A WebAuthn challenge, good once and briefly; the client holds only its id. */
export interface WebauthnChallengesTable {
  id_hash: string;
  challenge: string;
  purpose: ChallengePurpose;
  user_id: string | null;
  expires_at: number;
}

/** One row per throttled key: attempts in the current window, and when the next one is allowed. */
export interface LoginThrottleTable {
  key: string;
  window_start: number;
  attempts: number;
  next_allowed_at: number;
}

export interface DocRequestsTable {
  id: string;
  patient_id: string;
  doctor_id: string;
  doc_type: string;
  note: string;
  status: 'open' | 'issued' | 'rejected';
  reason: string | null;
  document_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface DocumentsTable {
  id: string;
  patient_id: string;
  issuer_id: string;
  request_id: string | null;
  doc_type: string;
  title: string;
  file_name: string;
  mime_type: string;
  size: number;
  doc_hash: string;
  salt: string;
  patient_ref: string;
  issuer_address: string;
  issued_at: number;
  leaf: string;
  blob_key: string | null;
  wrapped_key: string | null;
  status: 'active' | 'revoked' | 'erased';
  revoked_at: number | null;
  revoke_reason: number | null;
  created_at: number;
  /** Set while the document waits for its patient id to be proven (0007): the id's HMAC. */
  held_ref: string | null;
}

/** A doctor's passkey assertion over a document's leaf (`issue`) or its revocation (`revoke`); null while awaited (0013). */
export interface DocumentSignaturesTable {
  document_id: string;
  purpose: 'issue' | 'revoke';
  /** The WebAuthn challenge asked for, base64url. */
  challenge: string;
  credential_id: string | null;
  /** JSON of the assertion (credentialId, authenticatorData, clientDataJSON, signature). */
  assertion: string | null;
  created_at: number;
  signed_at: number | null;
}

/** Every issuer profile a doctor's terms committed to, oldest first (0013). */
export interface IssuerProfilesTable {
  id: Generated<number>;
  doctor_id: string;
  profile: string;
  created_at: number;
}

export interface SharesTable {
  id: string;
  document_id: string;
  owner_id: string;
  token_hash: string;
  token_sealed: string;
  recipient_doctor_id: string | null;
  expires_at: number;
  max_views: number | null;
  views: number;
  revoked_at: number | null;
  created_at: number;
}

export interface AuditLogTable {
  seq: number;
  at: number;
  actor_id: string | null;
  actor_role: string;
  action: string;
  outcome: 'success' | 'denied' | 'failure';
  document_id: string | null;
  subject_id: string | null;
  ip: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

/** An audit head put on chain as a leaf (src/store/audit/auditAnchors.ts). */
export interface AuditAnchorsTable {
  seq: number;
  hash: string;
  leaf: string;
  /** The leaf's fields as JSON (LeafFields). */
  fields: string;
  created_at: number;
}

export interface ChainOpsTable {
  id: Generated<number>;
  kind:
    'grant_issuer' | 'enroll_issuer' | 'retire_issuer' | 'mark_compromised' | 'revoke_leaf' | 'renew_issuer';
  payload: string;
  /** pending → sent (signed transaction stored, then broadcast) → done; or failed. */
  status: 'pending' | 'sent' | 'done' | 'failed';
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  /** The signed transaction's hash from the moment it is stored; null when the chain already showed the change. */
  tx_hash: string | null;
  created_at: number;
  done_at: number | null;
  /** The signed transaction, stored before it is broadcast (0003). */
  raw_tx: string | null;
  nonce: number | null;
  sent_at: number | null;
}

export interface SetupTokensTable {
  token_hash: string;
  expires_at: number;
  used_at: number | null;
}

/**
 * An upload's Idempotency-Key, per doctor: `in_flight` while the first request with it runs (only the
 * holder of `claim` may complete or release it), `done` with the request's fingerprint and the 201 it got.
 */
export interface IdempotencyKeysTable {
  doctor_id: string;
  key: string;
  claim: string;
  status: 'in_flight' | 'done';
  fingerprint: string | null;
  document_id: string | null;
  response_status: number | null;
  response_body: string | null;
  created_at: number;
  expires_at: number;
}

/** A one-time code (0007): only its hash, a few attempts, a short life. */
export interface OneTimeCodesTable {
  id: string;
  user_id: string;
  purpose: 'patient-id';
  code_hash: string;
  attempts: number;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

/** A password-reset link's token (0007): only its hash; used once, expires. */
export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

/**
 * The notification outbox (0007): `pending` → `sending` (held by `claim` until `lease_until`) → `sent`;
 * a failed attempt goes back to `pending` with a later `next_attempt_at`. Address and parameters are
 * sealed; both are wiped once sent.
 */
export interface NotificationsTable {
  id: string;
  user_id: string | null;
  channel: 'email' | 'sms';
  kind: string;
  to_sealed: string | null;
  params_sealed: string | null;
  status: 'pending' | 'sending' | 'sent';
  claim: string | null;
  lease_until: number | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface NotificationPrefsTable {
  user_id: string;
  kind: string;
  /** 1 or 0 (an integer in both databases). */
  enabled: number;
}

/** A stamped document's verification page: its public id, its envelope key and summary, both sealed. */
export interface DocumentStampsTable {
  document_id: string;
  stamp_id: string;
  key_sealed: string;
  summary_sealed: string;
  created_at: number;
}

/** One row per lease: its holder, fencing token (`epoch`, bumped at every change of holder) and expiry (ms, the database's clock). */
export interface WriterLeasesTable {
  name: string;
  holder: string;
  epoch: number;
  expires_at: number;
  acquired_at: number;
}

/** Requests counted per route and client address in the current window (shared by replicas). */
export interface RateLimitsTable {
  key: string;
  hits: number;
  window_start: number;
}

/** Facts fixed when the database was created, by name (e.g. `secrets_fingerprint`). */
export interface DeploymentFactsTable {
  name: string;
  value: string;
  recorded_at: number;
}

export interface Database {
  anchor_leaves: AnchorLeavesTable;
  anchor_batches: AnchorBatchesTable;
  anchor_txs: AnchorTxsTable;
  chain_facts: ChainFactsTable;
  users: UsersTable;
  doctors: DoctorsTable;
  patients: PatientsTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
  doc_requests: DocRequestsTable;
  documents: DocumentsTable;
  shares: SharesTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  audit_anchors: AuditAnchorsTable;
  chain_ops: ChainOpsTable;
  setup_tokens: SetupTokensTable;
  idempotency_keys: IdempotencyKeysTable;
  webauthn_credentials: WebauthnCredentialsTable;
  totp_secrets: TotpSecretsTable;
  recovery_codes: RecoveryCodesTable;
  webauthn_challenges: WebauthnChallengesTable;
  one_time_codes: OneTimeCodesTable;
  password_resets: PasswordResetsTable;
  notifications: NotificationsTable;
  notification_prefs: NotificationPrefsTable;
  document_stamps: DocumentStampsTable;
  writer_leases: WriterLeasesTable;
  rate_limits: RateLimitsTable;
  deployment_facts: DeploymentFactsTable;
  document_signatures: DocumentSignaturesTable;
  issuer_profiles: IssuerProfilesTable;
}
