import type { Generated } from 'kysely';

/** Times are unix milliseconds (bigint columns), hashes lower-case 0x-hex text: the same in SQLite and PostgreSQL. */
export interface AnchorLeavesTable {
  leaf: string;
  status: 'queued' | 'batched' | 'anchored';
  batch_id: number | null;
  queued_at: number;
}

export type BatchStatus = 'built' | 'sent' | 'mined' | 'confirmed' | 'failed';

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
}

export interface PatientsTable {
  user_id: string;
  patient_ref: string;
  id_kind: string;
  id_sealed: string;
  id_masked: string;
  dob_sealed: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  key: string;
  at: number;
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

export interface ChainOpsTable {
  id: Generated<number>;
  kind: 'grant_issuer' | 'revoke_leaf';
  payload: string;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  tx_hash: string | null;
  created_at: number;
  done_at: number | null;
}

export interface SetupTokensTable {
  token_hash: string;
  expires_at: number;
  used_at: number | null;
}

export interface Database {
  anchor_leaves: AnchorLeavesTable;
  anchor_batches: AnchorBatchesTable;
  anchor_txs: AnchorTxsTable;
  users: UsersTable;
  doctors: DoctorsTable;
  patients: PatientsTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  doc_requests: DocRequestsTable;
  documents: DocumentsTable;
  shares: SharesTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  chain_ops: ChainOpsTable;
  setup_tokens: SetupTokensTable;
}
