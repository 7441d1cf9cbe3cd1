import type { Multipart } from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Hex } from 'viem';
import { isBytes32, toHex } from '../../core/hash/hex.js';
import { computeLeaf } from '../../core/leaf/computeLeaf.js';
import { parseDocType } from '../../core/leaf/docType.js';
import { parsePatientId } from '../../core/patientId/parsePatientId.js';
import { patientRef } from '../../core/patientId/patientRef.js';
import { enqueueLeaves } from '../../store/anchorQueue/anchorQueue.js';
import { appendAudit } from '../../store/audit/appendAudit.js';
import { seal } from '../../store/crypto/keyWrap.js';
import type { Executor } from '../../store/db/Db.js';
import { clientIp } from '../auth/authPlugin.js';
import { HttpError, badRequest, notFound } from '../http/HttpError.js';
import { withErrors } from '../http/schemas.js';
import type { PortalDeps } from '../PortalDeps.js';
import { receiveUpload, type ReceivedFile } from './receiveUpload.js';

const FIELDS = ['requestId', 'patientId', 'docType', 'title', 'sha256'] as const;
type Field = (typeof FIELDS)[number];

const Issued = Type.Object({
  id: Type.String(),
  docHash: Type.String(),
  leaf: Type.String(),
  status: Type.Literal('pending'),
});
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The patient a document is for: by an open request to this doctor, by account id, or by their patient id number. */
async function resolvePatient(
  db: Executor,
  deps: PortalDeps,
  doctorId: string,
  f: Partial<Record<Field, string>>,
) {
  if (f.requestId !== undefined) {
    if (!UUID_RE.test(f.requestId))
      throw badRequest('VALIDATION_FAILED', 'requestId must be a UUID', 'requestId');
    const r = await db
      .selectFrom('doc_requests')
      .select(['patient_id', 'status', 'doc_type'])
      .where('id', '=', f.requestId)
      .where('doctor_id', '=', doctorId)
      .executeTakeFirst();
    if (!r) throw notFound('no such request');
    if (r.status !== 'open')
      throw badRequest('REQUEST_CLOSED', `the request is ${r.status} already`, 'requestId');
    return { patientId: r.patient_id, requestDocType: r.doc_type };
  }
  const raw = f.patientId?.trim();
  if (!raw) throw badRequest('VALIDATION_FAILED', 'give requestId or patientId', 'patientId');
  if (UUID_RE.test(raw)) {
    const p = await db.selectFrom('patients').select('user_id').where('user_id', '=', raw).executeTakeFirst();
    if (!p) throw notFound('no such patient');
    return { patientId: p.user_id, requestDocType: undefined };
  }
  const id = parsePatientId(raw);
  if (!id.ok) throw badRequest(id.code, id.message, 'patientId');
  const p = await db
    .selectFrom('patients')
    .select('user_id')
    .where('patient_ref', '=', patientRef(deps.patientRefSecret, id.value))
    .executeTakeFirst();
  if (!p) throw notFound('no patient is registered with this id');
  return { patientId: p.user_id, requestDocType: undefined };
}

/**
 * POST /api/documents (doctor, multipart): the paper's "grant the document". The file is streamed
 * once (type check, SHA-256, encryption); then the fields are checked; then the blob is moved into
 * place and the document row, its anchoring job and its audit row commit in one transaction. Any
 * failure before that commit leaves nothing stored.
 */
export function issueRoute(app: FastifyInstance, deps: PortalDeps): void {
  const db = deps.db.kysely;
  const limit = deps.config.maxUploadMb * 1024 * 1024;

  app.post(
    '/api/documents',
    {
      schema: {
        tags: ['documents'],
        summary:
          'Issue a document to a patient (doctor; multipart: file, requestId or patientId, docType, title, optional sha256)',
        consumes: ['multipart/form-data'],
        response: withErrors({
          201: Issued,
          413: Type.Ref('Error'),
          415: Type.Ref('Error'),
          422: Type.Ref('Error'),
          503: Type.Ref('Error'),
        }),
      },
      config: { roles: ['doctor'] },
    },
    async (request, reply) => {
      if (!request.isMultipart())
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data');
      const doctor = request.auth!.user;
      const fields: Partial<Record<Field, string>> = {};
      let file: ReceivedFile | undefined;
      try {
        for await (const part of request.parts() as AsyncIterable<Multipart>) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file' || file) {
              part.file.resume();
              throw badRequest('VALIDATION_FAILED', 'send exactly one file, in the field "file"', 'file');
            }
            file = await receiveUpload(part, deps.blobs, limit);
          } else if (
            (FIELDS as readonly string[]).includes(part.fieldname) &&
            typeof part.value === 'string'
          ) {
            fields[part.fieldname as Field] = part.value;
          }
        }
        if (!file) throw badRequest('VALIDATION_FAILED', 'the file is missing', 'file');
        const received = file;

        const { patientId, requestDocType } = await resolvePatient(db, deps, doctor.id, fields);
        const docType = parseDocType(fields.docType ?? requestDocType ?? '');
        if (!docType.ok) throw badRequest(docType.code, docType.message, 'docType');
        const title = (fields.title ?? '').trim();
        if (title.length < 1 || title.length > 200)
          throw badRequest('VALIDATION_FAILED', 'title must be 1-200 characters', 'title');
        if (fields.sha256 !== undefined) {
          const expected = fields.sha256
            .trim()
            .toLowerCase()
            .replace(/^(0x)?/, '0x');
          if (!isBytes32(expected))
            throw badRequest('VALIDATION_FAILED', 'sha256 must be 64 hex digits', 'sha256');
          if (expected !== received.docHash)
            throw new HttpError(
              422,
              'HASH_MISMATCH',
              'the file does not match the expected SHA-256: it changed in transit',
              { field: 'sha256' },
            );
        }
        const usage = await db
          .selectFrom('documents')
          .select((eb) => [
            eb.fn.countAll<number>().as('n'),
            eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('bytes'),
          ])
          .where('issuer_id', '=', doctor.id)
          .executeTakeFirstOrThrow();
        if (
          Number(usage.n) + 1 > deps.config.quotaDocuments ||
          Number(usage.bytes) + received.size > deps.config.quotaMb * 1024 * 1024
        ) {
          throw new HttpError(403, 'QUOTA_EXCEEDED', 'your document quota is used up: ask an administrator');
        }
        const patient = await db
          .selectFrom('patients')
          .select('patient_ref')
          .where('user_id', '=', patientId)
          .executeTakeFirstOrThrow();
        const issuer = await db
          .selectFrom('doctors')
          .select('issuer_address')
          .where('user_id', '=', doctor.id)
          .executeTakeFirstOrThrow();

        const id = randomUUID();
        const now = Date.now();
        const fieldsForLeaf = {
          docHash: received.docHash,
          salt: toHex(randomBytes(32)),
          patientRef: patient.patient_ref as Hex,
          issuer: issuer.issuer_address as Hex,
          docType: docType.value,
          issuedAt: Math.floor(now / 1000),
        };
        const leaf = computeLeaf(fieldsForLeaf);
        await deps.blobs.commit(received.blob);
        try {
          await db.transaction().execute(async (trx) => {
            await trx
              .insertInto('documents')
              .values({
                id,
                patient_id: patientId,
                issuer_id: doctor.id,
                request_id: fields.requestId ?? null,
                doc_type: docType.value,
                title,
                file_name: received.fileName,
                mime_type: received.mime,
                size: received.size,
                doc_hash: received.docHash,
                salt: fieldsForLeaf.salt,
                patient_ref: fieldsForLeaf.patientRef,
                issuer_address: fieldsForLeaf.issuer,
                issued_at: fieldsForLeaf.issuedAt,
                leaf,
                blob_key: received.blob.key,
                wrapped_key: seal(deps.masterKey, received.dataKey, `doc-key:${id}`),
                status: 'active',
                revoked_at: null,
                revoke_reason: null,
                created_at: now,
              })
              .execute();
            await enqueueLeaves(trx, [leaf], now);
            if (fields.requestId !== undefined) {
              await trx
                .updateTable('doc_requests')
                .set({ status: 'issued', document_id: id, updated_at: now })
                .where('id', '=', fields.requestId)
                .execute();
            }
            await appendAudit(trx, {
              actorId: doctor.id,
              actorRole: 'doctor',
              action: 'document.issued',
              outcome: 'success',
              documentId: id,
              subjectId: patientId,
              ip: clientIp(request),
              details: { docType: docType.value, size: received.size },
            });
          });
        } catch (error) {
          await deps.blobs.delete(received.blob.key);
          throw error;
        }
        deps.engine.kick();
        return reply.status(201).send({ id, docHash: received.docHash, leaf, status: 'pending' });
      } finally {
        // Until committed, a received file is only a temp blob: any failure above leaves nothing behind.
        if (file) await deps.blobs.discard(file.blob);
      }
    },
  );
}
