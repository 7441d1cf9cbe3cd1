import type { Address, Hex } from 'viem';
import type { LeafFields } from '../leaf/LeafFields.js';

/** The document type of a leaf that commits to the audit log's head, not to a document. */
export const AUDIT_HEAD_DOC_TYPE = 'audit-head';

/** The audit log's head: the row number and that row's chain hash (64 hex digits, no 0x). */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * A normal anchoring leaf that commits to an audit head, so it rides in an ordinary batch and the
 * verifier's Merkle code serves it: `docHash` is the head's hash, `patientRef` the row number (as a
 * 32-byte word; an audit head names no patient), `issuer` whoever anchors it, `docType` audit-head.
 */
export function auditHeadLeafFields(
  head: AuditHead,
  o: { readonly issuer: Address; readonly salt: Hex; readonly issuedAt: number },
): LeafFields {
  if (!/^[0-9a-f]{64}$/.test(head.hash)) throw new Error(`not an audit hash: ${head.hash}`);
  if (!Number.isSafeInteger(head.seq) || head.seq < 1) throw new Error(`not an audit row: ${head.seq}`);
  return {
    docHash: `0x${head.hash}`,
    salt: o.salt,
    patientRef: `0x${head.seq.toString(16).padStart(64, '0')}`,
    issuer: o.issuer,
    docType: AUDIT_HEAD_DOC_TYPE,
    issuedAt: o.issuedAt,
  };
}

/** The audit head a leaf's fields commit to, or undefined if they are not an audit head's. */
export function auditHeadOf(f: LeafFields): AuditHead | undefined {
  if (f.docType !== AUDIT_HEAD_DOC_TYPE) return undefined;
  const seq = Number(BigInt(f.patientRef));
  if (!Number.isSafeInteger(seq)) return undefined;
  return { seq, hash: f.docHash.slice(2).toLowerCase() };
}
