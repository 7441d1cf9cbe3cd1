import { Type, type Static } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { ReceiptSchema } from '../../core/receipt/receiptSchema.js';
import { appendAudit } from '../../store/audit/appendAudit.js';
import { sealText, unsealText } from '../../store/crypto/keyWrap.js';
import type { DocumentRow } from '../../store/documents/documentRows.js';
import { clientIp } from '../auth/authPlugin.js';
import { HttpError, notFound, unauthorized } from '../http/HttpError.js';
import { IdParams, Uuid, withErrors } from '../http/schemas.js';
import type { PortalDeps } from '../PortalDeps.js';
import { documentReceipt } from '../documents/documentReceipt.js';
import { contentDisposition } from '../documents/fileTypes.js';
import { serveContent } from '../documents/serveContent.js';
import { verifyKnownDocument } from '../verify/verifyKnownDocument.js';
import { checkShareToken, newShareToken, tokenHash } from './shareToken.js';

const CreateShare = Type.Object(
  {
    expiresInHours: Type.Integer({ minimum: 1, maximum: 8760 }),
    maxViews: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    recipientDoctorId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
const ShareCreated = Type.Object({
  id: Type.String(),
  url: Type.String(),
  token: Type.String(),
  expiresAt: Type.Number(),
  maxViews: Type.Union([Type.Number(), Type.Null()]),
  recipientDoctorId: Type.Union([Type.String(), Type.Null()]),
});
const ShareListItem = Type.Object({
  id: Type.String(),
  url: Type.String(),
  expiresAt: Type.Number(),
  maxViews: Type.Union([Type.Number(), Type.Null()]),
  views: Type.Number(),
  revokedAt: Type.Union([Type.Number(), Type.Null()]),
  recipient: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  active: Type.Boolean(),
  createdAt: Type.Number(),
});
const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
const ShareView = Type.Object({
  share: Type.Object({
    id: Type.String(),
    expiresAt: Type.Number(),
    maxViews: Type.Union([Type.Number(), Type.Null()]),
    views: Type.Number(),
    recipientName: Type.Union([Type.String(), Type.Null()]),
  }),
  document: Type.Object({
    title: Type.String(),
    docType: Type.String(),
    fileName: Type.String(),
    mimeType: Type.String(),
    size: Type.Number(),
    docHash: Type.String(),
    issuedAt: Type.Number(),
    issuer: Type.Object({
      name: Type.String(),
      registrationNumber: Type.Union([Type.String(), Type.Null()]),
      address: Type.String(),
    }),
  }),
  verification: Type.Ref('Verification'),
});

type What = 'view' | 'content' | 'receipt';

/**
 * Share links. The owning patient creates and revokes them; anyone holding one (or only the doctor it
 * names) can view the document, download it and take its receipt, until it expires (410), runs out of
 * views (410) or is revoked (404). Every use, allowed or not, is audited for the patient to see.
 */
export function shareRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const db = deps.db.kysely;
  const urlOf = (token: string) => `${deps.config.publicUrl}/s/${token}`;

  const ownedDocument = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const me = request.auth!.user;
    const doc = await db
      .selectFrom('documents')
      .selectAll()
      .where('id', '=', request.params.id)
      .where('patient_id', '=', me.id)
      .where('status', '!=', 'erased')
      .executeTakeFirst();
    if (!doc) throw notFound('no such document');
    return doc;
  };

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof CreateShare> }>(
    '/api/documents/:id/shares',
    {
      schema: {
        tags: ['shares'],
        summary: 'Create a share link for your document (patient)',
        params: IdParams,
        body: CreateShare,
        response: withErrors({ 201: ShareCreated }),
      },
      config: { roles: ['patient'] },
    },
    async (request, reply) => {
      const doc = await ownedDocument(request);
      const me = request.auth!.user;
      const b = request.body;
      if (b.recipientDoctorId !== undefined) {
        const d = await db
          .selectFrom('doctors')
          .innerJoin('users', 'users.id', 'doctors.user_id')
          .select('users.id')
          .where('users.id', '=', b.recipientDoctorId)
          .where('users.status', '=', 'active')
          .executeTakeFirst();
        if (!d) throw notFound('no such doctor');
      }
      const id = randomUUID();
      const token = newShareToken(deps.masterKey, id);
      const now = Date.now();
      const expiresAt = now + b.expiresInHours * 3_600_000;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('shares')
          .values({
            id,
            document_id: doc.id,
            owner_id: me.id,
            token_hash: tokenHash(token),
            token_sealed: sealText(deps.masterKey, token, `share-token:${id}`),
            recipient_doctor_id: b.recipientDoctorId ?? null,
            expires_at: expiresAt,
            max_views: b.maxViews ?? null,
            views: 0,
            revoked_at: null,
            created_at: now,
          })
          .execute();
        await appendAudit(trx, {
          actorId: me.id,
          actorRole: 'patient',
          action: 'share.created',
          outcome: 'success',
          documentId: doc.id,
          subjectId: me.id,
          ip: clientIp(request),
          details: { shareId: id, recipientDoctorId: b.recipientDoctorId ?? null, expiresAt },
        });
      });
      return reply.status(201).send({
        id,
        url: urlOf(token),
        token,
        expiresAt,
        maxViews: b.maxViews ?? null,
        recipientDoctorId: b.recipientDoctorId ?? null,
      });
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
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
      const doc = await ownedDocument(request);
      const rows = await db
        .selectFrom('shares as s')
        .leftJoin('users as u', 'u.id', 's.recipient_doctor_id')
        .selectAll('s')
        .select('u.name as recipient_name')
        .where('s.document_id', '=', doc.id)
        .orderBy('s.created_at', 'desc')
        .execute();
      const now = Date.now();
      return rows.map((s) => ({
        id: s.id,
        url: urlOf(unsealText(deps.masterKey, s.token_sealed, `share-token:${s.id}`)),
        expiresAt: s.expires_at,
        maxViews: s.max_views,
        views: s.views,
        revokedAt: s.revoked_at,
        recipient: s.recipient_doctor_id ? { id: s.recipient_doctor_id, name: s.recipient_name ?? '' } : null,
        active:
          s.revoked_at === null && s.expires_at > now && (s.max_views === null || s.views < s.max_views),
        createdAt: s.created_at,
      }));
    },
  );

  const ownedShare = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const s = await db
      .selectFrom('shares')
      .selectAll()
      .where('id', '=', request.params.id)
      .where('owner_id', '=', request.auth!.user.id)
      .executeTakeFirst();
    if (!s) throw notFound('no such share');
    return s;
  };

  app.delete<{ Params: Static<typeof IdParams> }>(
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
      const s = await ownedShare(request);
      const me = request.auth!.user;
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('shares')
          .set({ revoked_at: Date.now() })
          .where('id', '=', s.id)
          .where('revoked_at', 'is', null)
          .execute();
        await appendAudit(trx, {
          actorId: me.id,
          actorRole: 'patient',
          action: 'share.revoked',
          outcome: 'success',
          documentId: s.document_id,
          subjectId: me.id,
          ip: clientIp(request),
          details: { shareId: s.id },
        });
      });
      return reply.status(204).send();
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/shares/:id/qr.png',
    {
      schema: { tags: ['shares'], summary: 'QR code of a share link (patient)', params: IdParams },
      config: { roles: ['patient'] },
    },
    async (request, reply) => {
      const s = await ownedShare(request);
      const png = await QRCode.toBuffer(
        urlOf(unsealText(deps.masterKey, s.token_sealed, `share-token:${s.id}`)),
        { type: 'png', margin: 2, width: 320, errorCorrectionLevel: 'M' },
      );
      return reply.header('content-type', 'image/png').header('cache-control', 'no-store').send(png);
    },
  );

  /** Resolves a share token for one use, enforcing every rule; audits the use whatever the outcome. */
  async function useShare(
    request: FastifyRequest<{ Params: { token: string } }>,
    what: What,
  ): Promise<{
    doc: DocumentRow;
    share: {
      id: string;
      expires_at: number;
      max_views: number | null;
      views: number;
      recipient_doctor_id: string | null;
    };
  }> {
    const check = checkShareToken(deps.masterKey, request.params.token);
    if (!check.ok) throw new HttpError(401, 'SHARE_TOKEN_INVALID', 'this share link is not valid');
    const actor = request.auth?.user;
    const reader = {
      actorId: actor?.id ?? null,
      actorRole: actor?.role ?? ('anonymous' as const),
      ip: clientIp(request),
    };
    // Decide inside the transaction, throw after it commits: a refused use is audited too.
    const outcome = await db.transaction().execute(async (trx) => {
      const share = await trx
        .selectFrom('shares')
        .selectAll()
        .where('token_hash', '=', tokenHash(request.params.token))
        .where('id', '=', check.shareId)
        .executeTakeFirst();
      const doc =
        share &&
        (await trx
          .selectFrom('documents')
          .selectAll()
          .where('id', '=', share.document_id)
          .where('status', '!=', 'erased')
          .executeTakeFirst());
      if (!share || !doc) return { error: notFound('this share link does not exist') };
      const deny = async (reason: string, error: HttpError) => {
        await appendAudit(trx, {
          ...reader,
          action: 'share.used',
          outcome: 'denied',
          documentId: doc.id,
          subjectId: doc.patient_id,
          details: { shareId: share.id, what, reason },
        });
        return { error };
      };
      if (share.revoked_at !== null) return deny('revoked', notFound('this share link does not exist'));
      if (share.expires_at <= Date.now())
        return deny('expired', new HttpError(410, 'SHARE_EXPIRED', 'this share link has expired'));
      if (share.recipient_doctor_id !== null) {
        if (!actor)
          return { error: unauthorized('AUTH_REQUIRED', 'this link is for a named doctor: sign in first') };
        if (actor.id !== share.recipient_doctor_id)
          return deny('not-the-recipient', notFound('this share link does not exist'));
      }
      if (what === 'content') {
        if (share.max_views !== null && share.views >= share.max_views) {
          return deny(
            'used-up',
            new HttpError(410, 'SHARE_USED_UP', 'this share link has been used as often as allowed'),
          );
        }
        await trx
          .updateTable('shares')
          .set({ views: share.views + 1 })
          .where('id', '=', share.id)
          .execute();
      } else {
        await appendAudit(trx, {
          ...reader,
          action: 'share.used',
          outcome: 'success',
          documentId: doc.id,
          subjectId: doc.patient_id,
          details: { shareId: share.id, what },
        });
      }
      return { doc, share };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome;
  }

  app.get<{ Params: Static<typeof TokenParams> }>(
    '/api/shares/:token',
    {
      schema: {
        tags: ['shares'],
        summary: 'A shared document’s details and its verification from the chain (link holder)',
        params: TokenParams,
        response: withErrors({ 200: ShareView, 410: Type.Ref('Error') }),
      },
      config: { public: true },
    },
    async (request) => {
      const { doc, share } = await useShare(request, 'view');
      const issuer = await db
        .selectFrom('users')
        .leftJoin('doctors', 'doctors.user_id', 'users.id')
        .select(['users.name', 'doctors.registration_number'])
        .where('users.id', '=', doc.issuer_id)
        .executeTakeFirstOrThrow();
      const recipient = share.recipient_doctor_id
        ? await db
            .selectFrom('users')
            .select('name')
            .where('id', '=', share.recipient_doctor_id)
            .executeTakeFirst()
        : undefined;
      return {
        share: {
          id: share.id,
          expiresAt: share.expires_at,
          maxViews: share.max_views,
          views: share.views,
          recipientName: recipient?.name ?? null,
        },
        document: {
          title: doc.title,
          docType: doc.doc_type,
          fileName: doc.file_name,
          mimeType: doc.mime_type,
          size: doc.size,
          docHash: doc.doc_hash,
          issuedAt: doc.issued_at,
          issuer: {
            name: issuer.name,
            registrationNumber: issuer.registration_number,
            address: doc.issuer_address,
          },
        },
        verification: await verifyKnownDocument(deps, doc),
      };
    },
  );

  app.get<{ Params: Static<typeof TokenParams> }>(
    '/api/shares/:token/content',
    {
      schema: { tags: ['shares'], summary: 'The shared file (counts as a view)', params: TokenParams },
      config: { public: true },
    },
    async (request, reply) => {
      const { doc, share } = await useShare(request, 'content');
      const actor = request.auth?.user;
      return serveContent(
        reply,
        deps,
        doc,
        { actorId: actor?.id ?? null, actorRole: actor?.role ?? 'anonymous', ip: clientIp(request) },
        { shareId: share.id, via: 'share' },
      );
    },
  );

  app.get<{ Params: Static<typeof TokenParams> }>(
    '/api/shares/:token/receipt',
    {
      schema: {
        tags: ['shares'],
        summary: 'The shared document’s receipt',
        params: TokenParams,
        response: withErrors({ 200: Type.Ref(ReceiptSchema), 410: Type.Ref('Error') }),
      },
      config: { public: true },
    },
    async (request, reply) => {
      const { doc } = await useShare(request, 'receipt');
      const receipt = await documentReceipt(db, doc);
      if (!receipt)
        throw new HttpError(409, 'ANCHOR_PENDING', 'the document is not anchored yet: try again shortly');
      void reply.header('content-disposition', contentDisposition(`${doc.file_name}.receipt.json`));
      return receipt;
    },
  );
}
