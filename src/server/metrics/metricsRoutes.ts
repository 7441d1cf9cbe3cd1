import type { FastifyInstance } from 'fastify';
import { notFound } from '../http/HttpError.js';
import { metricsAllowed } from './metricsAccess.js';
import type { PortalMetrics } from './PortalMetrics.js';

/**
 * `GET /metrics` (Prometheus text format) and the hook timing every request for it. A refused
 * scrape is the same 404 as a missing route: the endpoint's existence is not advertised.
 */
export function metricsRoutes(app: FastifyInstance, metrics: PortalMetrics, token: string | undefined): void {
  app.addHook('onResponse', (request, reply, done) => {
    // The route's pattern bounds the label set; the raw URL (ids, share tokens) would not.
    metrics.observeRequest(
      request.routeOptions.url,
      request.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.get('/metrics', { schema: { hide: true }, config: { public: true } }, async (request, reply) => {
    if (!metricsAllowed(token, request.socket.remoteAddress, request.headers))
      throw notFound('no such route');
    const text = await metrics.render();
    return reply
      .header('content-type', metrics.registry.contentType)
      .header('cache-control', 'no-store')
      .send(text);
  });
}
