import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance } from 'fastify';
import { IdParams, SignatureAsked, SignDocumentBody, withErrors } from '../../api/index.js';
import { fromBase64url, parsePasskeyKey, verifyPasskeyAssertion } from '../../core/index.js';
import { issuerProfileOf } from '../../store/index.js';
import { userActorOf } from '../auth/actorOf.js';
import { httpError } from '../http/HttpError.js';
import type { PortalDeps } from '../PortalDeps.js';
import { documentView } from './documentView.js';
import { signatureAsked } from './signatureAsked.js';

/**
 * The doctor signs what they issued (issue 9): after the upload, their browser asks a passkey to sign
 * the leaf (the WebAuthn challenge), and the assertion comes here. It is checked twice: as a sign-in
 * assertion (this portal's origin, the stored key, the counter), and as a verifier will check it (a key
 * of the doctor's current profile, whose term the chain holds). Only then is the leaf queued.
 */
export function signatureRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { documents, secondFactors } = deps.repos;
  const rpId = new URL(deps.config.publicUrl).hostname;

  const awaited = async (request: { params: { id: string } } & Parameters<typeof userActorOf>[0]) => {
    const actor = userActorOf(request);
    const doc = await documents.open(actor, request.params.id, 'view');
    if (doc.access !== 'issuer') throw httpError('NOT_ISSUER', 'only the issuing doctor signs a document');
    const challenge = await documents.awaitedSignature(doc.id);
    if (!challenge) throw httpError('SIGNATURE_NOT_AWAITED', 'the document is not waiting for a signature');
    const keys = (await issuerProfileOf(deps.db.kysely, actor.id))?.passkeys ?? [];
    return { actor, doc, challenge, keys };
  };

  app.get(
    '/api/documents/:id/signature',
    {
      schema: {
        tags: ['documents'],
        summary: 'The WebAuthn request to sign a document that waits for your passkey signature',
        params: IdParams,
        response: withErrors({ 200: SignatureAsked }),
      },
      config: { roles: ['doctor'] },
    },
    async (request) => {
      const { challenge, keys } = await awaited(request);
      const credentialIds = keys.flatMap((k) => parsePasskeyKey(k)?.credentialId ?? []);
      return signatureAsked({ challenge, credentialIds }, rpId);
    },
  );

  app.post(
    '/api/documents/:id/signature',
    {
      schema: {
        tags: ['documents'],
        summary:
          'Sign a document you issued with your passkey (the assertion over its leaf); it is anchored after',
        params: IdParams,
        body: SignDocumentBody,
        response: withErrors({ 200: Type.Ref('Document'), 422: Type.Ref('Error') }),
      },
      config: { roles: ['doctor'] },
    },
    async (request) => {
      const { actor, doc, challenge, keys } = await awaited(request);
      const credential = request.body.credential;
      const assertion = {
        credentialId: credential.id,
        authenticatorData: credential.response.authenticatorData,
        clientDataJSON: credential.response.clientDataJSON,
        signature: credential.response.signature,
      };
      const asVerifier = await verifyPasskeyAssertion(assertion, fromBase64url(challenge)!, keys);
      const byPortal =
        asVerifier.ok &&
        (await secondFactors.verifySigningAssertion(
          actor.id,
          credential as AuthenticationResponseJSON,
          challenge,
        ));
      if (!asVerifier.ok || !byPortal)
        throw httpError(
          'SIGNATURE_REJECTED',
          asVerifier.ok ? 'the passkey signature was not accepted' : asVerifier.reason,
        );
      await documents.recordIssueSignature(actor, doc.id, assertion);
      deps.engine.kick();
      return documentView(await documents.open(actor, doc.id, 'view'));
    },
  );
}
