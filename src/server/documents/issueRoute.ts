import type { Multipart } from '@fastify/multipart';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ISSUE_FIELDS, Issued, withErrors } from '../../api/index.js';
import { isBytes32, parseDocType, parsePatientId } from '../../core/index.js';
import { Type } from '@sinclair/typebox';
import { seal, type IssueInput, type IssuedDocument } from '../../store/index.js';
import { signatureAsked } from './signatureAsked.js';
import { userActorOf } from '../auth/actorOf.js';
import { badRequest, httpError } from '../http/HttpError.js';
import type { PortalDeps } from '../PortalDeps.js';
import { IDEMPOTENCY_KEY_HEADER_DESCRIPTION, idempotencyKeyOf, staleAfterMs } from './idempotencyKeyOf.js';
import { multipartError } from './multipartError.js';
import {
  receiveUpload,
  STAMPABLE,
  storeBytes,
  tooLarge,
  type HeldFile,
  type ReceivedFile,
} from './receiveUpload.js';
import { newStamp } from '../stamps/newStamp.js';
import { stampSummary } from '../stamps/stampSummary.js';
import { NOT_STAMPED, stampUpload } from '../stamps/stampUpload.js';

type Field = (typeof ISSUE_FIELDS)[number];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Room for the form's text fields and multipart headers around the file (titles are ≤ 200 characters). */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * What makes two uploads the same request: the file's SHA-256, its name and type, and every form
 * field as sent. A retry must match it exactly to be answered with the first attempt's document.
 */
function fingerprintOf(file: ReceivedFile | HeldFile, fields: Partial<Record<Field, string>>): string {
  // The upload's own hash: a stamped file differs on every attempt (each gets a fresh code).
  const parts = [file.uploadHash, file.fileName, file.mime, ...ISSUE_FIELDS.map((f) => fields[f] ?? null)];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Who the document is for, from the form: an open request, an account id, or a patient id number. */
export function target(f: Partial<Record<Field, string>>): Pick<IssueInput, 'requestId' | 'patient'> {
  if (f.requestId !== undefined) {
    if (!UUID_RE.test(f.requestId))
      throw badRequest('VALIDATION_FAILED', 'requestId must be a UUID', 'requestId');
    return { requestId: f.requestId.toLowerCase() };
  }
  const raw = f.patientId?.trim();
  if (!raw) throw badRequest('VALIDATION_FAILED', 'give requestId or patientId', 'patientId');
  if (UUID_RE.test(raw)) return { patient: { accountId: raw.toLowerCase() } };
  const id = parsePatientId(raw);
  if (!id.ok) throw badRequest(id.code, id.message, 'patientId');
  return { patient: { patientId: id.value } };
}

/**
 * The 201 body: the document is stored and waits for its anchor; whether it carries a stamp, and if not
 * why; and, when the doctor has passkeys, the WebAuthn request their browser answers to sign the leaf.
 */
const answer = (d: IssuedDocument, stamped: boolean, stampNote: string | undefined, rpId: string) => ({
  id: d.id,
  docHash: d.docHash,
  leaf: d.leaf,
  status: 'pending' as const,
  patient: d.held ? ('invited' as const) : ('account' as const),
  stamped,
  ...(stampNote !== undefined ? { stampNote } : {}),
  ...(d.signature ? { signature: signatureAsked(d.signature, rpId) } : {}),
});

/**
 * POST /api/documents (doctor, multipart): the paper's "grant the document". The file is streamed
 * once (type check, SHA-256, encryption) into a temp blob; then the fields are checked; then the blob is
 * moved into place and DocumentRepository.issue commits the document, its anchoring job, the request's
 * close and the audit row in one transaction. Any failure before that commit leaves nothing stored.
 *
 * With an Idempotency-Key the key is reserved for the doctor before the upload is read (a concurrent
 * retry is 409), completed with the 201 in the issuing transaction, and released if the attempt fails.
 * A later retry with the same key is read (to fingerprint it, its temp blob discarded) and answered with
 * the stored 201 if it is the same request, 422 if it is not: a client that lost the answer to a
 * connection reset can retry without issuing the document twice.
 */
export function issueRoute(app: FastifyInstance, deps: PortalDeps): void {
  const limit = deps.config.maxUploadMb * 1024 * 1024;
  // Stamping edits the whole PDF in memory: up to this size an upload is held, past it it streams.
  const holdBytes = deps.config.stampMaxMb * 1024 * 1024;
  const staleAfter = staleAfterMs(deps.config.uploadTimeoutSeconds);
  const keys = deps.repos.documents.idempotencyKeys;
  const rpId = new URL(deps.config.publicUrl).hostname;

  app.post(
    '/api/documents',
    {
      schema: {
        tags: ['documents'],
        summary:
          'Issue a document to a patient (doctor; multipart: file, requestId or patientId, docType, title, optional sha256 of the file as sent). PDFs and images get a verification stamp (images inside a PDF) before they are hashed: the 201 docHash is the stamped file’s',
        consumes: ['multipart/form-data'],
        // Documented here, checked by idempotencyKeyOf (its 400 names the header).
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ description: IDEMPOTENCY_KEY_HEADER_DESCRIPTION })),
        }),
        response: withErrors({
          201: Issued,
          408: Type.Ref('Error'),
          413: Type.Ref('Error'),
          415: Type.Ref('Error'),
          422: Type.Ref('Error'),
        }),
      },
      config: { roles: ['doctor'] },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw httpError('UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data');
      // A body announced larger than the file limit plus the form's other fields cannot succeed: refused
      // before a byte of it is read, and the connection closed so the client stops sending.
      const announced = Number(request.headers['content-length']);
      if (Number.isFinite(announced) && announced > limit + MULTIPART_OVERHEAD_BYTES) {
        void reply.header('connection', 'close');
        throw tooLarge(limit);
      }
      if (
        !(await deps.blobs.hasRoomFor(
          Number(request.headers['content-length']) || 0,
          deps.config.minFreeMb * 2 ** 20,
        ))
      )
        throw httpError(
          'INSUFFICIENT_STORAGE',
          'the file store is nearly full: no uploads until space is freed',
        );
      const doctor = userActorOf(request);
      const key = idempotencyKeyOf(request.headers['idempotency-key']);
      const earlier = key === undefined ? undefined : await keys.reserve(doctor.id, key, staleAfter);
      if (earlier?.kind === 'in_flight')
        throw httpError(
          'IDEMPOTENCY_KEY_IN_FLIGHT',
          'an upload with this Idempotency-Key is still being processed: retry when it has finished',
        );
      // Ours until the issuing transaction completes it; released in `finally` if it never does.
      let claim = earlier?.kind === 'reserved' ? earlier.claim : undefined;
      const fields: Partial<Record<Field, string>> = {};
      let file: ReceivedFile | HeldFile | undefined;
      // The file as it will be stored (stamped, when it could be): what is committed or discarded.
      let stored: ReceivedFile | undefined;
      try {
        try {
          for await (const part of request.parts() as AsyncIterable<Multipart>) {
            if (part.type === 'file') {
              if (part.fieldname !== 'file' || file) {
                part.file.resume();
                throw badRequest('VALIDATION_FAILED', 'send exactly one file, in the field "file"', 'file');
              }
              file = await receiveUpload(part, deps.blobs, limit, holdBytes);
            } else if (
              (ISSUE_FIELDS as readonly string[]).includes(part.fieldname) &&
              typeof part.value === 'string'
            ) {
              fields[part.fieldname as Field] = part.value;
            }
          }
        } catch (error) {
          throw multipartError(error);
        }
        if (!file) throw badRequest('VALIDATION_FAILED', 'the file is missing', 'file');
        const received = file;
        const fingerprint = key === undefined ? undefined : fingerprintOf(received, fields);
        if (earlier?.kind === 'done') {
          if (fingerprint !== earlier.fingerprint)
            throw httpError(
              'IDEMPOTENCY_KEY_REUSED',
              'this Idempotency-Key was used for a different upload: use a new key for a new document',
            );
          // Gone before the answer, not after it: a replay leaves no trace of its own upload.
          if (!('held' in received)) await deps.blobs.discard(received.blob);
          return await reply
            .status(earlier.response.status as 201) // only 201s are stored
            .header('idempotent-replayed', 'true')
            .send(earlier.response.body);
        }
        const docType = fields.docType === undefined ? undefined : parseDocType(fields.docType);
        if (docType && !docType.ok) throw badRequest(docType.code, docType.message, 'docType');
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
          if (expected !== received.uploadHash)
            throw httpError(
              'HASH_MISMATCH',
              'the file does not match the expected SHA-256: it changed in transit',
              {
                field: 'sha256',
              },
            );
        }
        const who = target(fields);
        let stamp: { stampId: string; key: Uint8Array; summary: unknown } | undefined;
        let stampNote: string | undefined;
        const issuedAt = Math.floor(Date.now() / 1000);
        if ('held' in received) {
          const patient = await deps.repos.documents.describePatient({
            doctorId: doctor.id,
            ...who,
            ...(docType?.ok ? { docType: docType.value } : {}),
          });
          const fresh = await newStamp(deps.config.publicUrl);
          const made = await stampUpload(received, fresh.mark, title);
          stored = await storeBytes(deps.blobs, made.bytes, { ...made, uploadHash: received.uploadHash });
          if (made.stamped) {
            const names = await deps.repos.documents.namesOf(doctor.id, null);
            stamp = {
              stampId: fresh.code.stampId,
              key: fresh.key,
              summary: stampSummary({
                docType: patient.docType,
                title,
                issuedAt,
                doctor: { name: names.issuer, registrationNumber: names.registrationNumber },
                institution: deps.config.institutionName,
                patient,
              }),
            };
          } else stampNote = made.note;
        } else {
          stored = received;
          if (STAMPABLE.includes(received.kind)) stampNote = NOT_STAMPED.tooLarge(deps.config.stampMaxMb);
        }
        const file_ = stored;
        await deps.blobs.commit(file_.blob);
        try {
          const issued = await deps.repos.documents.issue(doctor, {
            doctorId: doctor.id,
            ...who,
            ...(docType?.ok ? { docType: docType.value } : {}),
            title,
            issuedAt,
            file: {
              docHash: file_.docHash,
              size: file_.size,
              mime: file_.mime,
              fileName: file_.fileName,
              blobKey: file_.blob.key,
            },
            ...(stamp ? { stamp } : {}),
            wrapKey: (id) => seal(deps.masterKey, file_.dataKey, `doc-key:${id}`),
            quota: { documents: deps.config.quotaDocuments, bytes: deps.config.quotaMb * 1024 * 1024 },
            ...(key !== undefined && claim !== undefined && fingerprint !== undefined
              ? {
                  idempotency: {
                    key,
                    claim,
                    fingerprint,
                    response: (d) => ({ status: 201, body: answer(d, stamp !== undefined, stampNote, rpId) }),
                  },
                }
              : {}),
          });
          claim = undefined;
          deps.engine.kick();
          return await reply.status(201).send(answer(issued, stamp !== undefined, stampNote, rpId));
        } catch (error) {
          // A failed delete must not hide the real error: the reconciler removes the orphan later.
          await deps.blobs
            .delete(file_.blob.key)
            .catch((e: unknown) => deps.log.warn({ err: e }, 'could not delete an uncommitted blob'));
          throw error;
        }
      } finally {
        // Until committed, a received file is only a temp blob: any failure above leaves nothing behind.
        if (file && !('held' in file)) await deps.blobs.discard(file.blob);
        if (stored && stored !== file) await deps.blobs.discard(stored.blob);
        // A failed attempt gives its key back, so the client can retry with it.
        if (key !== undefined && claim !== undefined)
          await keys
            .release(doctor.id, key, claim)
            .catch((error: unknown) =>
              deps.log.error({ err: error }, 'could not release an idempotency key; it expires when stale'),
            );
      }
    },
  );
}
