// What the portal's API answers (see /api/openapi.json).
export type Role = 'admin' | 'doctor' | 'patient';

export interface Me {
  user: { id: string; email: string; name: string; role: Role };
  csrfToken: string;
  patient?: { patientIdMasked: string; patientIdKind: string };
  doctor?: { registrationNumber: string; issuerAddress: string };
}

export interface DocumentView {
  id: string;
  title: string;
  docType: string;
  fileName: string;
  mimeType: string;
  size: number;
  docHash: string;
  issuedAt: number;
  status: 'pending' | 'anchored' | 'revoked' | 'failed';
  patient: { id: string; name: string };
  issuer: { id: string; name: string; registrationNumber: string | null; address: string };
  anchor: { blockNumber: number; txHash: string | null; anchoredAt: number | null } | null;
  revocation: { at: number; reason: number; reasonName: string } | null;
  requestId: string | null;
  createdAt: number;
  sharedWithMe?: boolean;
}

export interface DocRequest {
  id: string;
  patientId: string;
  patientName: string;
  doctorId: string;
  doctorName: string;
  docType: string;
  note: string;
  status: 'open' | 'issued' | 'rejected';
  reason: string | null;
  documentId: string | null;
  createdAt: number;
}

export interface Doctor {
  id: string;
  name: string;
  registrationNumber: string;
}

export interface Share {
  id: string;
  url: string;
  expiresAt: number;
  maxViews: number | null;
  views: number;
  revokedAt: number | null;
  recipient: { id: string; name: string } | null;
  active: boolean;
  createdAt: number;
}

export interface Check {
  check: string;
  status: 'VALID' | 'INVALID' | 'ERROR' | 'SKIPPED';
  code: string;
  message: string;
}

export interface Verification {
  verdict: 'VALID' | 'TAMPERED' | 'NOT_ANCHORED' | 'PENDING' | 'REVOKED' | 'UNKNOWN_ISSUER' | 'ERROR';
  code: string;
  message: string;
  docHash: string;
  checks: Check[];
  anchor?: {
    root: string;
    chainId: number;
    registry: string;
    txHash?: string;
    anchorer: string;
    anchoredAt: number;
    blockNumber: number;
    leafCount: number;
  };
  revocation?: { revokedAt: number; reason: number; reasonName: string };
  issuer?: string;
  issuerName?: string;
  receipt?: unknown;
}

export interface ShareView {
  share: {
    id: string;
    expiresAt: number;
    maxViews: number | null;
    views: number;
    recipientName: string | null;
  };
  document: {
    title: string;
    docType: string;
    fileName: string;
    mimeType: string;
    size: number;
    docHash: string;
    issuedAt: number;
    issuer: { name: string; registrationNumber: string | null; address: string };
  };
  verification: Verification;
}

export interface AuditEvent {
  seq: number;
  at: number;
  action: string;
  outcome: string;
  actor: { id: string | null; name: string | null; role: string };
  document: { id: string; title: string | null } | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: 'active' | 'disabled';
  createdAt: number;
}

export interface AdminStatus {
  chain: {
    rpcUrl: string;
    chainId: number;
    registry: string;
    reachable: boolean;
    blockNumber: number | null;
  };
  anchoring: {
    running: boolean;
    account: string;
    paused: { code: string; message: string } | null;
    lastError: { code: string; message: string; at: number } | null;
    queued: number;
    inFlight: number;
    anchored: number;
    failedBatches: number;
    reanchored: number;
    oldestQueuedAt: number | null;
  };
  chainOps: { pending: number; failed: number; lastError: { code: string; message: string } | null };
}
