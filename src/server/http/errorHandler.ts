import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MedproofError, httpStatusOf } from '../../core/index.js';
import { isDatabaseUnavailable } from '../../store/index.js';
import { HttpError } from './HttpError.js';
import { sentencesFor, type FieldProblem } from './validationSentences.js';

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    field?: string;
    fields?: FieldProblem[];
    correlationId?: string;
  };
}

/**
 * One error path for the whole API. Expected failures answer with their status and stable code;
 * schema violations with 400 VALIDATION_FAILED naming every field, each with a sentence; anything else is a bug: a generic
 * 500 with a correlation id (the log has the rest), never a stack trace, and the process keeps serving.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | MedproofError, request: FastifyRequest, reply: FastifyReply) => {
    // A database that is down, cut or hung is an outage to wait out, not a bug: 503 with Retry-After.
    // Checked first because the driver's error may arrive wrapped (a MedproofError with it as cause);
    // an answer the route chose itself (an HttpError) stands.
    if (!(error instanceof HttpError) && isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      void reply.header('retry-after', '5');
      return reply.status(503).send({
        error: { code: 'DATABASE_UNAVAILABLE', message: 'the database is not answering: try again shortly' },
      } satisfies ErrorBody);
    }
    // Every MedproofError answers with its catalog status: HttpErrors from the routes, and codes thrown
    // below the HTTP layer (store, chain, core) alike. A code the API never answers is a bug: 500.
    if (error instanceof MedproofError) {
      const status = error instanceof HttpError ? error.status : (httpStatusOf(error.code) ?? 500);
      const extra =
        error instanceof HttpError
          ? error.extra
          : {
              ...(error.field ? { field: error.field } : {}),
              ...(error.retryAfterSeconds !== undefined
                ? { retryAfterSeconds: error.retryAfterSeconds }
                : {}),
            };
      if (status >= 500) request.log.error({ err: error, code: error.code }, error.message);
      // A 500 says nothing specific (the audit row and the log do): never a hint about stored data.
      if (status === 500) {
        return reply
          .status(500)
          .send({ error: { code: 'INTERNAL_ERROR', message: 'internal error', correlationId: request.id } });
      }
      const retryAfter = extra.retryAfterSeconds ?? (status === 503 ? 30 : undefined);
      if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
      const body: ErrorBody = {
        error: { code: error.code, message: error.message, ...(extra.field ? { field: extra.field } : {}) },
      };
      return reply.status(status).send(body);
    }
    const fe = error;
    if (fe.validation) {
      // Every problem at once, each a sentence beside its field: a form shows them all after one submit.
      const fields = sentencesFor(fe.validation);
      const first = fields[0];
      return reply.status(400).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: fields.map((f) => f.message).join(' ') || 'the request is not valid',
          ...(first ? { field: first.field, fields } : {}),
        },
      } satisfies ErrorBody);
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
