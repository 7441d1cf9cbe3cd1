import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import {
  AnyReceiptRef,
  CreateShare,
  IdParams,
  ShareCreatedSchema,
  ShareListItem,
  ShareViewSchema,
  TokenParams,
  withErrors,
} from '../../api/index.js';
import { actorOf, userActorOf } from '../auth/actorOf.js';
import { documentReceipt } from '../documents/documentReceipt.js';
import { contentDisposition } from '../documents/fileTypes.js';
import { serveContent } from '../documents/serveContent.js';
import { httpError } from '../http/HttpError.js';
import type { PortalDeps } from '../PortalDeps.js';

/**
 * Share links: the owning patient creates, lists, shows (QR) and revokes them; anyone holding one (or
 * only the doctor it names) views the document, downloads it and takes its receipt, under
 * ShareRepository's rules (expired 410, used up 410, revoked or unknown 404; every use audited).
 */
export function shareRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { shares } = deps.repos;
  const urlOf = (token: string) => `${deps.config.publicUrl}/s/${token}`;

  app.post(
    '/api/documents/:id/shares',
    {
      schema: {
        tags: ['shares'],
        summary: 'Create a share link for your document (patient)',
        params: IdParams,
        body: CreateShare,
        response: withErrors({ 201: ShareCreatedSchema }),
      },
      config: { roles: ['patient'] },
    },
    async (request, reply) => {
      const s = await shares.create(userActorOf(request), request.params.id, request.body);
      return reply.status(201).send({ ...s, url: urlOf(s.token) });
    },
  );

  app.get(
    '/api/documents/:id/shares',
    {
      schema: {
        tags: ['shares'],
        summary: 'Share links of your document (patient)',
        params: IdParams,
        response: withErrors({ 200: Type.Array(ShareListItem) }),
      },
      config: { roles: ['patient'] },
    },
    async (request) => {
      const rows = await shares.list(userActorOf(request), request.params.id);
      return rows.map((s) => ({
        id: s.id,
        url: urlOf(s.token),
        expiresAt: s.expires_at,
        maxViews: s.max_views,
        views: s.views,
        revokedAt: s.revoked_at,
        recipient: s.recipient_doctor_id ? { id: s.recipient_doctor_id, name: s.recipientName ?? '' } : null,
        active: s.active,
        createdAt: s.created_at,
      }));
    },
  );

  app.delete(
    '/api/shares/:id',
    {
      schema: {
        tags: ['shares'],
        summary: 'Revoke a share link (patient); it stops working at once',
        params: IdParams,
        response: withErrors({ 204: Type.Null() }),
      },
      config: { roles: ['patient'] },
    },
    async (request, reply) => {
      await shares.revoke(userActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/shares/:id/qr.png',
    {
      schema: { tags: ['shares'], summary: 'QR code of a share link (patient)', params: IdParams },
      config: { roles: ['patient'] },
    },
    async (request, reply) => {
      const token = await shares.tokenOf(userActorOf(request), request.params.id);
      const png = await QRCode.toBuffer(urlOf(token), {
        type: 'png',
        margin: 2,
        width: 320,
        errorCorrectionLevel: 'M',
      });
      return reply.header('content-type', 'image/png').header('cache-control', 'no-store').send(png);
    },
  );

  app.get(
    '/api/shares/:token',
    {
      schema: {
        tags: ['shares'],
        summary:
          'A shared document’s details (link holder); browsers verify it against the chain with its receipt',
        params: TokenParams,
        response: withErrors({ 200: ShareViewSchema, 410: Type.Ref('Error') }),
      },
      config: { public: true },
    },
    async (request) => {
      const { doc, share } = await shares.use(request.params.token, actorOf(request), 'view');
      const names = await deps.repos.documents.namesOf(
        doc.issuer_id,
        share.recipient_doctor_id,
        doc.patient_id,
      );
      return {
        share: {
          id: share.id,
          expiresAt: share.expires_at,
          maxViews: share.max_views,
          views: share.views,
          recipientName: names.recipient,
        },
        document: {
          title: doc.title,
          docType: doc.doc_type,
          fileName: doc.file_name,
          mimeType: doc.mime_type,
          size: doc.size,
          docHash: doc.doc_hash,
          issuedAt: doc.issued_at,
          patientName: names.patient,
          issuer: {
            name: names.issuer,
            registrationNumber: names.registrationNumber,
            address: doc.issuer_address,
          },
        },
      };
    },
  );

  app.get(
    '/api/shares/:token/content',
    {
      schema: { tags: ['shares'], summary: 'The shared file (counts as a view)', params: TokenParams },
      config: { public: true },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      // HEAD asks about the file without taking it: it must not use one of the link's views.
      const { doc, share } = await shares.use(
        request.params.token,
        actor,
        request.method === 'HEAD' ? 'view' : 'content',
      );
      return serveContent(
        reply,
        deps,
        doc,
        { actorId: actor.id, actorRole: actor.role, ip: actor.ip ?? '' },
        { shareId: share.id, via: 'share' },
      );
    },
  );

  app.get(
    '/api/shares/:token/receipt',
    {
      schema: {
        tags: ['shares'],
        summary: 'The shared document’s receipt',
        params: TokenParams,
        response: withErrors({ 200: AnyReceiptRef, 410: Type.Ref('Error') }),
      },
      config: { public: true },
    },
    async (request, reply) => {
      const { doc } = await shares.use(request.params.token, actorOf(request), 'receipt');
      const receipt = await documentReceipt(deps, doc);
      if (!receipt) throw httpError('ANCHOR_PENDING', 'the document is not anchored yet: try again shortly');
      void reply.header('content-disposition', contentDisposition(`${doc.file_name}.receipt.json`));
      return receipt;
    },
  );
}
