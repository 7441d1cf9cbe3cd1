import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { createHash } from 'node:crypto';
import {
  fromBase64url,
  MedproofError,
  toBase64url,
  verifyPasskeyAssertion,
  type IssuerSignature,
} from '../../core/index.js';
import { issuerProfileOf } from '../../store/index.js';
import type { PortalDeps } from '../PortalDeps.js';

/**
 * What a doctor's passkey signs to revoke: SHA-256 of the leaf, the reason and the replacing
 * document's id, domain-separated so an issuance signature (over a bare leaf) never passes for one.
 */
export function revocationChallenge(leaf: string, reason: number, supersededBy: string | undefined): string {
  const text = `medproof revoke\n${leaf.toLowerCase()}\n${reason}\n${supersededBy ?? ''}`;
  return toBase64url(createHash('sha256').update(text).digest());
}

/**
 * A doctor whose profile lists passkeys revokes only with one of them (issue 9): the assertion over
 * {@link revocationChallenge} is checked as a sign-in assertion and as a verifier would, then stored
 * with the revocation. Doctors without passkeys revoke as before (undefined).
 */
export async function revocationSignature(
  deps: Pick<PortalDeps, 'db' | 'repos'>,
  actor: Parameters<PortalDeps['repos']['documents']['open']>[0],
  documentId: string,
  reason: number,
  body: { supersededBy?: string | undefined; credential?: unknown },
): Promise<(IssuerSignature & { challenge: string }) | undefined> {
  const keys = (await issuerProfileOf(deps.db.kysely, actor.id))?.passkeys ?? [];
  if (keys.length === 0) return undefined;
  const doc = await deps.repos.documents.open(actor, documentId, 'view');
  if (doc.access !== 'issuer')
    throw new MedproofError('NOT_ISSUER', 'only the issuing doctor can revoke a document');
  const credential = body.credential as AuthenticationResponseJSON | undefined;
  if (!credential)
    throw new MedproofError(
      'SIGNATURE_REQUIRED',
      'sign the revocation with your passkey: ask POST …/revoke/options for the request',
    );
  const challenge = revocationChallenge(doc.leaf, reason, body.supersededBy);
  const assertion: IssuerSignature = {
    credentialId: credential.id,
    authenticatorData: credential.response.authenticatorData,
    clientDataJSON: credential.response.clientDataJSON,
    signature: credential.response.signature,
  };
  const asVerifier = await verifyPasskeyAssertion(assertion, fromBase64url(challenge)!, keys);
  const byPortal =
    asVerifier.ok && (await deps.repos.secondFactors.verifySigningAssertion(actor.id, credential, challenge));
  if (!asVerifier.ok || !byPortal)
    throw new MedproofError(
      'SIGNATURE_REJECTED',
      asVerifier.ok ? 'the passkey signature was not accepted' : asVerifier.reason,
    );
  return { ...assertion, challenge };
}
