import { randomBytes } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { StampEnvelopeSchema, StampParams, withErrors, type StampPayload } from '../../api/index.js';
import { sealStampPayload } from '../../core/index.js';
import { actorOf } from '../auth/actorOf.js';
import { anchorStatus } from '../documents/documentView.js';
import { documentReceipt } from '../documents/documentReceipt.js';
import type { PortalDeps } from '../PortalDeps.js';

/**
 * GET /api/stamps/:stampId — what the verification page (`/v/<id>#<secret>`) needs, encrypted under
 * the key derived from the secret: the public summary, the fingerprint, the status and, once
 * anchored, the receipt. The server never sees the secret, so it cannot be leaked by a log, a proxy
 * or a Referer; the answer is useless without it. Public (a printout is read by anyone), rate-limited
 * like /api/verify, and never cached. The verdict is computed by the page, against the chain.
 */
export function stampRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/stamps/:stampId',
    {
      schema: {
        tags: ['verify'],
        summary: 'A verification stamp’s page data, encrypted under the key in the QR code’s #fragment',
        params: StampParams,
        response: withErrors({ 200: StampEnvelopeSchema }),
      },
      config: { public: true, rateLimit: { max: deps.config.verifyRatePerMinute, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { doc, key, summary } = await deps.repos.stamps.open(actorOf(request), request.params.stampId);
      const status = anchorStatus(doc);
      const receipt =
        status === 'pending' || status === 'failed' ? undefined : await documentReceipt(deps, doc);
      const payload: StampPayload = {
        version: 1,
        summary: summary as StampPayload['summary'],
        docHash: doc.doc_hash,
        status,
        receipt: receipt ?? null,
      };
      void reply.header('cache-control', 'no-store');
      return sealStampPayload(key, request.params.stampId, payload, randomBytes(12));
    },
  );
}
