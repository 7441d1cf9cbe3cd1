import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { isMedproofError, type AuditAction } from '../../core/index.js';
import { decryptChunks, unseal, type ActorRole, type DocumentRow } from '../../store/index.js';
import type { PortalDeps } from '../PortalDeps.js';
import { HttpError } from '../http/HttpError.js';
import { contentDisposition } from './fileTypes.js';

export interface Reader {
  readonly actorId: string | null;
  readonly actorRole: ActorRole;
  readonly ip: string;
}

/**
 * Sends a stored document, decrypted on the fly. Every chunk is authenticated before the first byte
 * goes out (one extra read, at AES-GCM speed), so a damaged file fails closed with a plain 500 and an
 * INTEGRITY_FAILURE audit row; a missing blob is 404 FILE_MISSING and an alert in the log.
 */
export async function serveContent(
  reply: FastifyReply,
  deps: PortalDeps,
  doc: DocumentRow,
  reader: Reader,
  details: Record<string, unknown> = {},
): Promise<FastifyReply> {
  if (!doc.blob_key || !doc.wrapped_key) throw new HttpError('NOT_FOUND', 'this document was erased');
  const audit = (outcome: 'success' | 'failure', action: AuditAction, extra: Record<string, unknown> = {}) =>
    deps.audit.append({
      ...reader,
      action,
      outcome,
      documentId: doc.id,
      subjectId: doc.patient_id,
      details: { ...details, ...extra },
    });
  let key: Buffer;
  try {
    key = unseal(deps.masterKey, doc.wrapped_key, `doc-key:${doc.id}`);
    for await (const chunk of decryptChunks(await deps.blobs.read(doc.blob_key), key)) void chunk;
  } catch (error) {
    if (isMedproofError(error, 'FILE_MISSING')) {
      deps.log.error({ documentId: doc.id, alert: 'FILE_MISSING' }, 'a document’s stored file is missing');
      await audit('failure', 'document.file-missing');
      throw new HttpError(
        'FILE_MISSING',
        'the stored file for this document is missing; the administrators have been alerted',
      );
    }
    if (isMedproofError(error, 'INTEGRITY_FAILURE')) {
      deps.log.error(
        { documentId: doc.id, alert: 'INTEGRITY_FAILURE' },
        'a stored document failed authentication',
      );
      await audit('failure', 'document.integrity-failure');
    }
    throw error;
  }
  await audit('success', 'document.downloaded');
  const stream = Readable.from(decryptChunks(await deps.blobs.read(doc.blob_key), key));
  // Should the file change between the check and this read, the stream errors and the connection is cut: no bad byte is sent.
  return reply
    .header('content-type', doc.mime_type === 'text/plain' ? 'text/plain; charset=utf-8' : doc.mime_type)
    .header('content-disposition', contentDisposition(doc.file_name))
    .header('content-length', String(doc.size))
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(stream);
}
