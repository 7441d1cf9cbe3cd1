import type { Multipart } from '@fastify/multipart';
import { Type, type Static } from '@sinclair/typebox';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Hex } from 'viem';
import { isBytes32 } from '../../core/index.js';
import { clientIp } from '../auth/actorOf.js';
import { HttpError, badRequest } from '../http/HttpError.js';
import { VerificationSchema, withErrors, type VerifyJson } from '../../api/index.js';
import type { PortalDeps } from '../PortalDeps.js';
import { multipartError } from '../documents/multipartError.js';
import { tooLarge } from '../documents/receiveUpload.js';
import { verifyKnownDocument, verifyWithReceipt, type PortalVerification } from './verifyKnownDocument.js';

/** Reads a multipart verification: the file is hashed as it streams and never stored; the receipt may be a field or a file. */
async function readMultipart(
  request: FastifyRequest,
  limitBytes: number,
): Promise<{ docHash: Hex; receipt: unknown }> {
  let docHash: Hex | undefined;
  let receiptText: string | undefined;
  try {
    for await (const part of request.parts() as AsyncIterable<Multipart>) {
      if (part.type === 'file' && part.fieldname === 'file') {
        const h = createHash('sha256');
        try {
          for await (const chunk of part.file as AsyncIterable<Buffer>) h.update(chunk);
        } catch (error) {
          if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limitBytes);
          throw error;
        }
        if (part.file.truncated) throw tooLarge(limitBytes);
        docHash = `0x${h.digest('hex')}`;
      } else if (part.type === 'file' && part.fieldname === 'receipt') {
        const chunks: Buffer[] = [];
        let n = 0;
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          n += chunk.length;
          if (n > 64 * 1024) throw badRequest('MALFORMED_RECEIPT', 'the receipt is too large', 'receipt');
          chunks.push(chunk);
        }
        receiptText = Buffer.concat(chunks).toString('utf8');
      } else if (part.type === 'field' && part.fieldname === 'receipt' && typeof part.value === 'string') {
        receiptText = part.value;
      } else if (part.type === 'file') {
        part.file.resume();
      }
    }
  } catch (error) {
    throw multipartError(error);
  }
  if (!docHash) throw badRequest('VALIDATION_FAILED', 'the file is missing', 'file');
  let receipt: unknown;
  if (receiptText !== undefined && receiptText.trim() !== '') {
    try {
      receipt = JSON.parse(receiptText);
    } catch {
      // Not JSON: the verification itself answers ERROR / MALFORMED_RECEIPT, like any malformed receipt.
      receipt = receiptText;
    }
  }
  return { docHash, receipt };
}

/**
 * POST /api/verify: anyone, no account, rate-limited. With a receipt, the receipt is checked against
 * the chain. Without one, the portal finds the hash in its index and checks that document's receipt;
 * either way the verdict is the chain's. A hash the portal never issued is NOT_ANCHORED (NOT_FOUND).
 */
export function verifyRoutes(app: FastifyInstance, deps: PortalDeps): void {
  app.addSchema(VerificationSchema);
  const limit = deps.config.maxUploadMb * 1024 * 1024;

  app.post(
    '/api/verify',
    {
      schema: {
        tags: ['verify'],
        summary: 'Verify a document: multipart (file, optional receipt) or JSON { docHash, receipt? }',
        // No body schema: multipart bodies are streamed, JSON bodies are checked by hand (see VerifyJson).
        consumes: ['application/json', 'multipart/form-data'],
        response: withErrors({ 200: Type.Ref('Verification'), 413: Type.Ref('Error') }),
      },
      config: { public: true, rateLimit: { max: deps.config.verifyRatePerMinute, timeWindow: '1 minute' } },
    },
    async (request) => {
      let docHash: Hex;
      let receipt: unknown;
      if (request.isMultipart()) {
        ({ docHash, receipt } = await readMultipart(request, limit));
      } else {
        const body = request.body as Static<typeof VerifyJson> | undefined;
        if (!body || typeof body.docHash !== 'string' || !/^(0x)?[0-9a-fA-F]{64}$/.test(body.docHash)) {
          throw badRequest(
            'VALIDATION_FAILED',
            'docHash must be 64 hex digits (the SHA-256 of the file)',
            'docHash',
          );
        }
        docHash = `0x${body.docHash.replace(/^0x/, '').toLowerCase()}`;
        receipt = body.receipt;
      }
      if (!isBytes32(docHash)) throw new HttpError('VALIDATION_FAILED', 'bad docHash', { field: 'docHash' });

      // The same file can be issued twice: the anchored one comes first.
      const known = (await deps.repos.documents.findByHash(docHash))[0];
      let result: PortalVerification;
      if (receipt !== undefined)
        result = { ...(await verifyWithReceipt(deps, docHash, receipt)), receipt: null };
      else if (known) result = await verifyKnownDocument(deps, known, docHash);
      else {
        result = {
          verdict: 'NOT_ANCHORED',
          code: 'NOT_FOUND',
          message: 'this portal never issued a document with this fingerprint',
          docHash,
          checks: [],
          receipt: null,
        };
      }
      // Audit the check on the patient's log only when it was about this document.
      const receiptLeaf =
        typeof receipt === 'object' && receipt !== null && 'leaf' in receipt
          ? String(receipt.leaf)
          : undefined;
      const match = known && (receipt === undefined || receiptLeaf === known.leaf) ? known : undefined;
      if (match) {
        const actor = request.auth?.user;
        await deps.audit.append({
          actorId: actor?.id ?? null,
          actorRole: actor?.role ?? 'anonymous',
          action: 'document.verified',
          outcome: 'success',
          documentId: match.id,
          subjectId: match.patient_id,
          ip: clientIp(request),
          details: { verdict: result.verdict },
        });
      }
      return result;
    },
  );
}
