import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Hex } from 'viem';
import { enqueueChainOp } from '../../anchoring/ChainOpsWorker.js';
import { ReceiptSchema } from '../../core/receipt/receiptSchema.js';
import { parseRevocationReason } from '../../core/verify/revocationReasons.js';
import { appendAudit } from '../../store/audit/appendAudit.js';
import { documentList, readableDocument } from '../../store/documents/documentRows.js';
import { clientIp } from '../auth/authPlugin.js';
import { HttpError, badRequest, forbidden, notFound } from '../http/HttpError.js';
import { IdParams, withErrors } from '../http/schemas.js';
import type { PortalDeps } from '../PortalDeps.js';
import { documentReceipt } from './documentReceipt.js';
import { DocumentSchema, documentView } from './documentView.js';
import { contentDisposition } from './fileTypes.js';
import { serveContent } from './serveContent.js';

const RevokeBody = Type.Object(
  {
    reason: Type.Union([
      Type.Integer({ minimum: 0, maximum: 65535 }),
      Type.String({ minLength: 1, maxLength: 40 }),
    ]),
  },
  { additionalProperties: false },
);
const DOC_ROLES = { roles: ['doctor', 'patient'] as const };

/**
 * Reading and revoking documents. A patient sees their own; a doctor those they issued or that a
 * patient shared with them by name. Anyone else's document is 404, exactly like one that does not exist.
 */
export function documentRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const db = deps.db.kysely;
  app.addSchema(DocumentSchema);

  const readable = async (request: {
    auth: { user: { id: string; role: string } } | null;
    params: { id: string };
  }) => {
    const me = request.auth!.user;
    const doc = await readableDocument(db, me.id, me.role, request.params.id);
    if (!doc) throw notFound('no such document');
    return doc;
  };

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
      const me = request.auth!.user;
      const now = Date.now();
      let q = documentList(db);
      if (me.role === 'patient') q = q.where('d.patient_id', '=', me.id);
      else {
        q = q.where((eb) =>
          eb.or([
            eb('d.issuer_id', '=', me.id),
            eb.exists(
              eb
                .selectFrom('shares as s')
                .select('s.id')
                .whereRef('s.document_id', '=', 'd.id')
                .where('s.recipient_doctor_id', '=', me.id)
                .where('s.revoked_at', 'is', null)
                .where('s.expires_at', '>', now),
            ),
          ]),
        );
      }
      const rows = await q.execute();
      return rows.map((r) => ({
        ...documentView(r),
        sharedWithMe: me.role === 'doctor' && r.issuer_id !== me.id,
      }));
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
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
      const doc = await readable(request);
      const me = request.auth!.user;
      await deps.audit.append({
        actorId: me.id,
        actorRole: me.role,
        action: 'document.viewed',
        outcome: 'success',
        documentId: doc.id,
        subjectId: doc.patient_id,
        ip: clientIp(request),
      });
      return documentView(doc);
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/documents/:id/content',
    {
      schema: { tags: ['documents'], summary: 'The file, decrypted (attachment)', params: IdParams },
      config: DOC_ROLES,
    },
    async (request, reply) => {
      const doc = await readable(request);
      const me = request.auth!.user;
      return serveContent(reply, deps, doc, { actorId: me.id, actorRole: me.role, ip: clientIp(request) });
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/documents/:id/receipt',
    {
      schema: {
        tags: ['documents'],
        summary: 'The document’s receipt, once anchored (409 ANCHOR_PENDING before)',
        params: IdParams,
        response: withErrors({ 200: Type.Ref(ReceiptSchema) }),
      },
      config: DOC_ROLES,
    },
    async (request, reply) => {
      const doc = await readable(request);
      const receipt = await documentReceipt(db, doc);
      if (!receipt)
        throw new HttpError(409, 'ANCHOR_PENDING', 'the document is not anchored yet: try again shortly');
      void reply.header('content-disposition', contentDisposition(`${doc.file_name}.receipt.json`));
      return receipt;
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RevokeBody> }>(
    '/api/documents/:id/revoke',
    {
      schema: {
        tags: ['documents'],
        summary: 'Revoke a document you issued (on chain too)',
        params: IdParams,
        body: RevokeBody,
        response: withErrors({ 200: Type.Ref('Document') }),
      },
      config: { roles: ['doctor'] },
    },
    async (request) => {
      const doc = await readable(request);
      const me = request.auth!.user;
      if (doc.issuer_id !== me.id)
        throw forbidden('NOT_ISSUER', 'only the issuing doctor can revoke a document');
      if (doc.status === 'revoked') throw badRequest('ALREADY_REVOKED', 'the document is revoked already');
      const reason = parseRevocationReason(request.body.reason);
      if (reason === undefined) throw badRequest('BAD_REASON', 'unknown revocation reason', 'reason');
      const now = Date.now();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('documents')
          .set({ status: 'revoked', revoked_at: now, revoke_reason: reason })
          .where('id', '=', doc.id)
          .execute();
        await enqueueChainOp(trx, { kind: 'revoke_leaf', leaf: doc.leaf as Hex, reason });
        await appendAudit(trx, {
          actorId: me.id,
          actorRole: 'doctor',
          action: 'document.revoked',
          outcome: 'success',
          documentId: doc.id,
          subjectId: doc.patient_id,
          ip: clientIp(request),
          details: { reason },
        });
      });
      deps.chainOps.kick();
      return documentView((await readableDocument(db, me.id, me.role, doc.id))!);
    },
  );
}
