import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MedproofError } from '../../core/errors/MedproofError.js';
import { HttpError, STATUS_OF } from './HttpError.js';

export interface ErrorBody {
  error: { code: string; message: string; field?: string; correlationId?: string };
}

function validationField(error: FastifyError): string | undefined {
  const v = error.validation?.[0];
  if (!v) return undefined;
  const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
  const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
  return [path, missing].filter(Boolean).join('.') || undefined;
}

/**
 * One error path for the whole API. Expected failures answer with their status and stable code;
 * schema violations with 400 VALIDATION_FAILED naming the field; anything else is a bug: a generic
 * 500 with a correlation id (the log has the rest), never a stack trace, and the process keeps serving.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | MedproofError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HttpError) {
      if (error.extra.retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(error.extra.retryAfterSeconds));
      const body: ErrorBody = {
        error: {
          code: error.code,
          message: error.message,
          ...(error.extra.field ? { field: error.extra.field } : {}),
        },
      };
      return reply.status(error.status).send(body);
    }
    if (error instanceof MedproofError && STATUS_OF[error.code] !== undefined) {
      const status = STATUS_OF[error.code]!;
      if (status >= 500) {
        request.log.error({ err: error, code: error.code }, error.message);
        if (status === 503) void reply.header('retry-after', '30');
      }
      // A 500 says nothing specific (the audit row and the log do): never a hint about stored data.
      if (status === 500) {
        return reply
          .status(500)
          .send({ error: { code: 'INTERNAL_ERROR', message: 'internal error', correlationId: request.id } });
      }
      return reply.status(status).send({ error: { code: error.code, message: error.message } });
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      const field = validationField(fe);
      return reply
        .status(400)
        .send({ error: { code: 'VALIDATION_FAILED', message: fe.message, ...(field ? { field } : {}) } });
    }
    if (
      fe.statusCode === 413 ||
      fe.code === 'FST_REQ_FILE_TOO_LARGE' ||
      fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
    ) {
      return reply
        .status(413)
        .send({ error: { code: 'FILE_TOO_LARGE', message: 'the upload is larger than allowed' } });
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply
        .status(415)
        .send({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'unsupported content type' } });
    }
    if (fe.statusCode === 429) {
      return reply
        .status(429)
        .send({ error: { code: 'RATE_LIMITED', message: 'too many requests: try again later' } });
    }
    if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
      // fastify's own client errors (malformed JSON, empty body): clear, but no internals.
      const code =
        fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.name === 'SyntaxError'
          ? 'MALFORMED_JSON'
          : 'BAD_REQUEST';
      return reply.status(fe.statusCode).send({
        error: {
          code,
          message: code === 'MALFORMED_JSON' ? 'the request body is not valid JSON' : fe.message,
        },
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send({ error: { code: 'INTERNAL_ERROR', message: 'internal error', correlationId: request.id } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such route' } }),
  );
}
