import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { adminRoutes } from './admin/adminRoutes.js';
import { auditRoutes } from './audit/auditRoutes.js';
import { installAuth } from './auth/authPlugin.js';
import { authRoutes } from './auth/authRoutes.js';
import { MeSchema } from './auth/describeMe.js';
import { ReceiptSchema } from '../core/receipt/receiptSchema.js';
import { doctorRoutes } from './doctors/doctorRoutes.js';
import { documentRoutes } from './documents/documentRoutes.js';
import { issueRoute } from './documents/issueRoute.js';
import { installErrorHandler } from './http/errorHandler.js';
import { ErrorSchema } from './http/schemas.js';
import { installSecurityHeaders } from './http/security.js';
import { patientRoutes } from './patients/patientRoutes.js';
import type { PortalDeps } from './PortalDeps.js';
import { requestRoutes } from './requests/requestRoutes.js';
import { shareRoutes } from './shares/shareRoutes.js';
import { verifyRoutes } from './verify/verifyRoutes.js';
import { healthRoutes } from './admin/healthRoutes.js';
import { serveWeb, webRoot } from './web/serveWeb.js';

/** Share tokens travel in URL paths: never let one reach a log line. */
export const redactUrl = (url: string): string =>
  url.replace(/(\/api\/shares\/|^\/s\/)[A-Za-z0-9_-]{40,}/, '$1[token]');

export interface AppOptions {
  /** Registers more routes after the API. */
  readonly extend?: (app: FastifyInstance) => Promise<void> | void;
  /** Serve the built browser UI (default: yes, when it is built). */
  readonly web?: boolean;
}

/**
 * The portal: plugins in a fixed order (errors, security headers, cookies, rate limits, multipart,
 * OpenAPI, sessions and default deny), then one route module per resource. Every route declares
 * its schemas; `/api/openapi.json` is generated from them.
 */
export async function buildApp(deps: PortalDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const log = deps.log.child(
    { component: 'http' },
    {
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({
          method: req.method,
          url: redactUrl(req.url),
          id: req.id,
        }),
      },
    },
  );
  // Typed as the base instance: route modules do not care which pino build logs for them.
  const app = Fastify({
    loggerInstance: log,
    genReqId: () => randomUUID(),
    trustProxy: deps.config.trustProxy,
    bodyLimit: 256 * 1024,
    // Unknown body properties are dropped (a client cannot set ownerId, status…), types are not coerced.
    ajv: { customOptions: { removeAdditional: true, coerceTypes: false, allErrors: false } },
  }) as unknown as FastifyInstance;

  installErrorHandler(app);
  await installSecurityHeaders(app);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(multipart, {
    limits: {
      fileSize: deps.config.maxUploadMb * 1024 * 1024,
      files: 1,
      fields: 12,
      fieldSize: 64 * 1024,
      parts: 16,
    },
  });
  app.addSchema(ErrorSchema);
  app.addSchema(MeSchema);
  app.addSchema(ReceiptSchema);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'medproof portal API',
        version: '1',
        description:
          'Medical documents anchored on an Ethereum chain. Errors: { error: { code, message, field? } }.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: '__Host-medproof' } } },
      security: [{ session: [] }],
    },
  });
  installAuth(app, deps);

  authRoutes(app, deps);
  patientRoutes(app, deps);
  doctorRoutes(app, deps);
  adminRoutes(app, deps);
  requestRoutes(app, deps);
  issueRoute(app, deps);
  documentRoutes(app, deps);
  shareRoutes(app, deps);
  verifyRoutes(app, deps);
  auditRoutes(app, deps);
  healthRoutes(app, deps);
  app.get('/api/openapi.json', { schema: { hide: true }, config: { public: true } }, () => app.swagger());

  await options.extend?.(app);
  const web = options.web === false ? undefined : webRoot();
  if (web) serveWeb(app, web);
  else deps.log.warn('the web UI is not built (npm run build): serving the API only');
  return app;
}
