import type { Hex } from 'viem';
import { anchorPointOf } from '../../anchoring/index.js';
import { buildReceipt, buildReceiptV2, type AnyReceipt, type LeafFields } from '../../core/index.js';
import { issueSignatureOf, issuerProfileOfLeaf, type DocumentRow, type Executor } from '../../store/index.js';
import type { PortalDeps } from '../PortalDeps.js';

/**
 * The document's receipt once its batch is confirmed; undefined while it is pending. On registry v2 it
 * is a v2 receipt: the issuer's public profile and the institution, each with its commitment salt, so a
 * verifier learns who issued it from the chain's commitments, not from this portal.
 */
export async function documentReceipt(
  deps: {
    readonly db: { readonly kysely: Executor };
    readonly chain: Pick<PortalDeps['chain'], 'registryVersion' | 'institution'>;
  },
  doc: DocumentRow,
): Promise<AnyReceipt | undefined> {
  const db = deps.db.kysely;
  const state = await anchorPointOf(db, doc.leaf as Hex);
  if (state?.state !== 'anchored' || !state.point) return undefined;
  const fields: LeafFields = {
    docHash: doc.doc_hash as Hex,
    salt: doc.salt as Hex,
    patientRef: doc.patient_ref as Hex,
    issuer: doc.issuer_address as Hex,
    docType: doc.doc_type,
    issuedAt: doc.issued_at,
  };
  if (deps.chain.registryVersion === 2) {
    // The profile of the term the leaf was anchored in (a new passkey since starts a new term).
    const issuerProfile = await issuerProfileOfLeaf(db, doc.issuer_id, doc.leaf);
    const issuerSignature = await issueSignatureOf(db, doc.id);
    // A doctor from before registry v2 has no profile: their receipt stays v1 (it reads UNKNOWN_ISSUER there).
    if (issuerProfile)
      return buildReceiptV2(fields, doc.leaf as Hex, state.point, {
        issuerProfile,
        institution: deps.chain.institution,
        issuerSignature,
      });
  }
  return buildReceipt(fields, doc.leaf as Hex, state.point);
}
