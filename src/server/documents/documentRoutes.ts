import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  AnyReceiptRef,
  DocumentSchema,
  DocumentsMark,
  IdParams,
  RevokeBody,
  SignatureAsked,
  SignedRevokeBody,
  withErrors,
} from '../../api/index.js';
import { parsePasskeyKey, parseRevocationReason } from '../../core/index.js';
import { issuerProfileOf } from '../../store/index.js';
import { revocationChallenge, revocationSignature } from './revocationSignature.js';
import { signatureAsked } from './signatureAsked.js';
import { userActorOf } from '../auth/actorOf.js';
import { badRequest, httpError } from '../http/HttpError.js';
import type { PortalDeps } from '../PortalDeps.js';
import { documentReceipt } from './documentReceipt.js';
import { documentView } from './documentView.js';
import { contentDisposition } from './fileTypes.js';
import { serveContent } from './serveContent.js';

const DOC_ROLES = { roles: ['doctor', 'patient'] as const };

/**
 * Reading and revoking documents. Who may see which document is DocumentRepository's rule (a patient
 * their own; a doctor those they issued or that a patient shared with them by name); anyone else's
 * document is 404, exactly like one that does not exist.
 */
export function documentRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { documents } = deps.repos;
  app.addSchema(DocumentSchema);

  app.get(
    '/api/documents',
    {
      schema: {
        tags: ['documents'],
        summary: 'Your documents: a patient’s own; a doctor’s issued and shared with them',
        response: withErrors({ 200: Type.Array(Type.Ref('Document')) }),
      },
      config: DOC_ROLES,
    },
    async (request) => {
      const rows = await documents.list(userActorOf(request));
      return rows.map((r) => ({
        ...documentView(r),
        ...(request.auth!.user.role === 'doctor' ? { sharedWithMe: r.access === 'named-share' } : {}),
      }));
    },
  );

  app.get(
    '/api/documents/changes',
    {
      schema: {
        tags: ['documents'],
        summary: 'A mark that changes when your list of documents does (poll it; not audited)',
        response: withErrors({ 200: DocumentsMark }),
      },
      config: DOC_ROLES,
    },
    async (request) => ({ mark: await documents.changeMark(userActorOf(request)) }),
  );

  app.get(
    '/api/documents/:id',
    {
      schema: {
        tags: ['documents'],
        summary: 'One document’s details and anchoring status',
        params: IdParams,
        response: withErrors({ 200: Type.Ref('Document') }),
      },
      config: DOC_ROLES,
    },
    async (request) => {
      const actor = userActorOf(request);
      const doc = await documents.open(actor, request.params.id, 'view');
      await documents.recordRead(actor, doc, 'document.viewed');
      return documentView(doc);
    },
  );

  app.get(
    '/api/documents/:id/content',
    {
      schema: { tags: ['documents'], summary: 'The file, decrypted (attachment)', params: IdParams },
      config: DOC_ROLES,
    },
    async (request, reply) => {
      const actor = userActorOf(request);
      // HEAD asks about the file without taking it: it must not use one of a share's views.
      const doc = await documents.open(
        actor,
        request.params.id,
        request.method === 'HEAD' ? 'view' : 'content',
      );
      return serveContent(reply, deps, doc, { actorId: actor.id, actorRole: actor.role, ip: actor.ip ?? '' });
    },
  );

  app.get(
    '/api/documents/:id/receipt',
    {
      schema: {
        tags: ['documents'],
        summary: 'The document’s receipt, once anchored (409 ANCHOR_PENDING before)',
        params: IdParams,
        response: withErrors({ 200: AnyReceiptRef }),
      },
      config: DOC_ROLES,
    },
    async (request, reply) => {
      const actor = userActorOf(request);
      const doc = await documents.open(actor, request.params.id, 'receipt');
      const receipt = await documentReceipt(deps, doc);
      if (!receipt) throw httpError('ANCHOR_PENDING', 'the document is not anchored yet: try again shortly');
      await documents.recordRead(actor, doc, 'document.receipt-downloaded');
      void reply.header('content-disposition', contentDisposition(`${doc.file_name}.receipt.json`));
      return receipt;
    },
  );

  app.post(
    '/api/documents/:id/revoke/options',
    {
      schema: {
        tags: ['documents'],
        summary:
          'The WebAuthn request to sign a revocation (the leaf, reason and successor) with your passkey',
        params: IdParams,
        body: RevokeBody,
        response: withErrors({ 200: SignatureAsked }),
      },
      config: { roles: ['doctor'] },
    },
    async (request) => {
      const actor = userActorOf(request);
      const reason = parseRevocationReason(request.body.reason);
      if (reason === undefined) throw badRequest('BAD_REASON', 'unknown revocation reason', 'reason');
      const doc = await documents.open(actor, request.params.id, 'view');
      if (doc.access !== 'issuer')
        throw httpError('NOT_ISSUER', 'only the issuing doctor can revoke a document');
      const keys = (await issuerProfileOf(deps.db.kysely, actor.id))?.passkeys ?? [];
      const credentialIds = keys.flatMap((k) => parsePasskeyKey(k)?.credentialId ?? []);
      const challenge = revocationChallenge(doc.leaf, reason, request.body.supersededBy);
      return signatureAsked({ challenge, credentialIds }, new URL(deps.config.publicUrl).hostname);
    },
  );

  app.post(
    '/api/documents/:id/revoke',
    {
      schema: {
        tags: ['documents'],
        summary:
          'Revoke a document you issued (on chain too); a doctor with passkeys signs it (428 SIGNATURE_REQUIRED without, see revoke/options)',
        params: IdParams,
        body: SignedRevokeBody,
        response: withErrors({ 200: Type.Ref('Document'), 422: Type.Ref('Error'), 428: Type.Ref('Error') }),
      },
      config: { roles: ['doctor'] },
    },
    async (request) => {
      const actor = userActorOf(request);
      const reason = parseRevocationReason(request.body.reason);
      if (reason === undefined) throw badRequest('BAD_REASON', 'unknown revocation reason', 'reason');
      const signature = await revocationSignature(deps, actor, request.params.id, reason, request.body);
      const doc = await documents.revoke(
        actor,
        request.params.id,
        reason,
        request.body.supersededBy,
        signature,
      );
      deps.chainOps.kick();
      return documentView(doc);
    },
  );
}
