import { signatureAsked } from '../documents/signatureAsked.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import {
  CertificateBody,
  Issued,
  withErrors,
  type CertificateInput,
  type CertificateKindName,
} from '../../api/index.js';
import { seal, type IssuedDocument } from '../../store/index.js';
import { userActorOf } from '../auth/actorOf.js';
import {
  IDEMPOTENCY_KEY_HEADER_DESCRIPTION,
  idempotencyKeyOf,
  staleAfterMs,
} from '../documents/idempotencyKeyOf.js';
import { target } from '../documents/issueRoute.js';
import { storeBytes } from '../documents/receiveUpload.js';
import { badRequest, httpError } from '../http/HttpError.js';
import type { PortalDeps } from '../PortalDeps.js';
import { longDate } from '../stamps/calendarDate.js';
import { newStamp } from '../stamps/newStamp.js';
import { DEFAULT_TITLES, renderCertificate } from '../stamps/renderCertificate.js';
import { stampSummary } from '../stamps/stampSummary.js';

/** The leaf's document type for each form (any lower-case identifier is a valid docType). */
export const CERTIFICATE_DOC_TYPES: Record<CertificateKindName, string> = {
  'sick-leave': 'medical-certificate',
  fitness: 'fitness-certificate',
  report: 'report',
};

/** The dates each form needs, checked beyond the schema: real calendar dates, `to` not before `from`. */
function datesOf(body: CertificateInput): { from?: string; to?: string } {
  const real = (field: 'from' | 'to') => {
    const v = body[field];
    if (v === undefined) return undefined;
    if (longDate(v) === undefined)
      throw badRequest('VALIDATION_FAILED', `${field} is not a real date`, field);
    return v;
  };
  const from = real('from');
  const to = real('to');
  if (body.kind === 'sick-leave') {
    if (!from) throw badRequest('VALIDATION_FAILED', 'give the first day of sick leave', 'from');
    if (!to) throw badRequest('VALIDATION_FAILED', 'give the last day of sick leave', 'to');
    if (to < from) throw badRequest('VALIDATION_FAILED', 'the last day is before the first day', 'to');
    return { from, to };
  }
  if (body.kind === 'fitness') {
    if (!from) throw badRequest('VALIDATION_FAILED', 'give the date the patient is fit from', 'from');
    return { from };
  }
  return {};
}

/**
 * What makes two form requests the same: the route and every field as sent. A retry must match it
 * exactly to be answered with the first one's document (the rendered PDF differs on every attempt:
 * each gets a fresh stamp, so it cannot be what is compared).
 */
function fingerprintOf(body: CertificateInput): string {
  const fields = ['kind', 'requestId', 'patientId', 'text', 'from', 'to', 'title'] as const;
  const parts = ['POST /api/certificates', ...fields.map((f) => body[f] ?? null)];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * POST /api/certificates (doctor, JSON): issues a certificate filled in as a form instead of an
 * upload. The portal renders the PDF (letterhead, patient, the doctor's text, name and registration
 * number, the stamp), stores it encrypted and issues it exactly as an upload (DocumentRepository.issue:
 * document, anchoring job, request closed, audit row in one transaction); the patient sees and shares
 * it like any document. The rendered file is the one hashed: its SHA-256 is the 201's docHash.
 *
 * An Idempotency-Key works as on uploads: reserved before anything is rendered (a concurrent retry is
 * 409), completed with the 201 in the issuing transaction, released if the attempt fails; a later
 * retry with the same fields gets the stored 201 (`Idempotent-Replayed: true`), other fields 422.
 */

/** The 201's body, sent and (with an Idempotency-Key) stored to replay. */
const answer = (issued: IssuedDocument, rpId: string) => ({
  id: issued.id,
  docHash: issued.docHash,
  leaf: issued.leaf,
  status: 'pending' as const,
  stamped: true,
  // The doctor signs the leaf with their passkey, as after an upload.
  ...(issued.signature ? { signature: signatureAsked(issued.signature, rpId) } : {}),
});

/** A certificate for a patient id nobody has proven yet names no one: only the masked id. */
const UNCONFIRMED_NAME = 'name to be confirmed (see the patient id)';
export function certificateRoute(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const rpId = new URL(deps.config.publicUrl).hostname;
  app.post(
    '/api/certificates',
    {
      schema: {
        tags: ['documents'],
        summary:
          'Issue a medical (sick-leave) certificate, a fitness certificate or a report from a form: the portal renders and stamps the PDF',
        body: CertificateBody,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ description: IDEMPOTENCY_KEY_HEADER_DESCRIPTION })),
        }),
        response: withErrors({
          201: Issued,
          409: Type.Ref('Error'),
          422: Type.Ref('Error'),
          507: Type.Ref('Error'),
        }),
      },
      config: { roles: ['doctor'] },
    },
    async (request, reply) => {
      const body = request.body;
      const doctor = userActorOf(request);
      const dates = datesOf(body);
      const who = target({
        ...(body.requestId !== undefined ? { requestId: body.requestId } : {}),
        ...(body.patientId !== undefined ? { patientId: body.patientId } : {}),
      });
      const keys = deps.repos.documents.idempotencyKeys;
      const key = idempotencyKeyOf(request.headers['idempotency-key']);
      const earlier =
        key === undefined
          ? undefined
          : await keys.reserve(doctor.id, key, staleAfterMs(deps.config.uploadTimeoutSeconds));
      if (earlier?.kind === 'in_flight')
        throw httpError(
          'IDEMPOTENCY_KEY_IN_FLIGHT',
          'a certificate with this Idempotency-Key is still being issued: retry when it has finished',
        );
      const fingerprint = key === undefined ? undefined : fingerprintOf(body);
      if (earlier?.kind === 'done') {
        // Before anything that reads the state the first attempt changed (its request is closed now).
        if (fingerprint !== earlier.fingerprint)
          throw httpError(
            'IDEMPOTENCY_KEY_REUSED',
            'this Idempotency-Key was used for a different document: use a new key for a new document',
          );
        return await reply
          .status(earlier.response.status as 201) // only 201s are stored
          .header('idempotent-replayed', 'true')
          .send(earlier.response.body);
      }
      // Ours until the issuing transaction completes it; released in `finally` if it never does.
      let claim = earlier?.kind === 'reserved' ? earlier.claim : undefined;
      try {
        if (!(await deps.blobs.hasRoomFor(1024 * 1024, deps.config.minFreeMb * 2 ** 20)))
          throw httpError(
            'INSUFFICIENT_STORAGE',
            'the file store is nearly full: no documents until space is freed',
          );
        const docType = CERTIFICATE_DOC_TYPES[body.kind];
        const title = body.title?.trim() || DEFAULT_TITLES[body.kind];
        const patient = await deps.repos.documents.describePatient({ doctorId: doctor.id, ...who, docType });
        const names = await deps.repos.documents.namesOf(doctor.id, null);
        const issuedAt = Math.floor(Date.now() / 1000);
        const stamp = await newStamp(deps.config.publicUrl);
        const pdf = await renderCertificate(
          {
            kind: body.kind,
            title,
            text: body.text.trim(),
            ...dates,
            institution: deps.config.institutionName,
            patient: { name: patient.name ?? UNCONFIRMED_NAME, maskedId: patient.maskedId },
            doctor: { name: names.issuer, registrationNumber: names.registrationNumber },
            issuedAt,
          },
          stamp.mark,
        );
        const fileName = `${title.replace(/[^A-Za-z0-9 ()-]+/g, '').trim() || 'certificate'}.pdf`;
        const file = await storeBytes(deps.blobs, pdf, { kind: 'pdf', fileName });
        try {
          await deps.blobs.commit(file.blob);
          try {
            const issued = await deps.repos.documents.issue(doctor, {
              doctorId: doctor.id,
              ...who,
              docType,
              title,
              issuedAt,
              file: {
                docHash: file.docHash,
                size: file.size,
                mime: file.mime,
                fileName: file.fileName,
                blobKey: file.blob.key,
              },
              stamp: {
                stampId: stamp.code.stampId,
                key: stamp.key,
                summary: stampSummary({
                  docType,
                  title,
                  issuedAt,
                  doctor: { name: names.issuer, registrationNumber: names.registrationNumber },
                  institution: deps.config.institutionName,
                  patient,
                  certificate: { kind: body.kind, ...dates },
                }),
              },
              wrapKey: (id) => seal(deps.masterKey, file.dataKey, `doc-key:${id}`),
              quota: { documents: deps.config.quotaDocuments, bytes: deps.config.quotaMb * 1024 * 1024 },
              ...(key !== undefined && claim !== undefined && fingerprint !== undefined
                ? {
                    idempotency: {
                      key,
                      claim,
                      fingerprint,
                      response: (d) => ({ status: 201, body: answer(d, rpId) }),
                    },
                  }
                : {}),
            });
            claim = undefined;
            deps.engine.kick();
            return await reply.status(201).send(answer(issued, rpId));
          } catch (error) {
            // A failed delete must not hide the real error: the reconciler removes the orphan later.
            await deps.blobs
              .delete(file.blob.key)
              .catch((e: unknown) => deps.log.warn({ err: e }, 'could not delete an uncommitted blob'));
            throw error;
          }
        } finally {
          await deps.blobs.discard(file.blob);
        }
      } finally {
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
