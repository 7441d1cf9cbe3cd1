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
import { secondFactorRoutes } from './auth/secondFactorRoutes.js';
import { stepUpRoutes } from './auth/stepUpRoutes.js';
import { ErrorSchema, MeSchema } from '../api/index.js';
import { ReceiptSchema, ReceiptV2Schema } from '../core/index.js';
import { doctorRoutes } from './doctors/doctorRoutes.js';
import { documentRoutes } from './documents/documentRoutes.js';
import { signatureRoutes } from './documents/signatureRoutes.js';
import { issueRoute } from './documents/issueRoute.js';
import { certificateRoute } from './certificates/certificateRoute.js';
import { stampRoutes } from './stamps/stampRoutes.js';
import { installErrorHandler } from './http/errorHandler.js';
import { createServer } from 'node:http';
import { databaseRateLimitStore } from './http/databaseRateLimitStore.js';
import { redisRateLimit } from './http/redisRateLimit.js';
import { installSecurityHeaders } from './http/security.js';
import { patientRoutes } from './patients/patientRoutes.js';
import type { PortalDeps } from './PortalDeps.js';
import { requestRoutes } from './requests/requestRoutes.js';
import { shareRoutes } from './shares/shareRoutes.js';
import { verifyRoutes } from './verify/verifyRoutes.js';
import { rpcRoutes } from './rpc/rpcRoutes.js';
import { healthRoutes } from './admin/healthRoutes.js';
import { notificationRoutes } from './notify/notificationRoutes.js';
import { serveWeb, webRoot } from './web/serveWeb.js';
import { PortalMetrics } from './metrics/PortalMetrics.js';
import { metricsRoutes } from './metrics/metricsRoutes.js';
import { hostname } from 'node:os';

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
    // A request (an upload above all) must arrive whole within this time, or it is answered 408 and
    // cut off: a client sending a byte every few seconds cannot hold a connection and a temp file.
    serverFactory: (handler) =>
      createServer(
        {
          requestTimeout: deps.config.uploadTimeoutSeconds * 1000,
          connectionsCheckingInterval: Math.min(1000, deps.config.uploadTimeoutSeconds * 500),
        },
        handler,
      ),
    bodyLimit: 256 * 1024,
    // Unknown body properties are dropped (a client cannot set ownerId, status…), types are not coerced.
    // allErrors: a form shows every problem after one submit, not one per try. The schemas bound every
    // string's length, which keeps collecting all errors cheap.
    ajv: { customOptions: { removeAdditional: true, coerceTypes: false, allErrors: true } },
  }) as unknown as FastifyInstance;

  installErrorHandler(app);
  await installSecurityHeaders(
    app,
    deps.config.publicRpcUrl,
    deps.config.dohUrl === 'off' ? undefined : deps.config.dohUrl,
  );
  await app.register(cookie);
  // Redis where configured; else PostgreSQL: counted in the database, so replicas share each client's
  // count. SQLite is one process: in memory, as fast as it gets.
  await app.register(rateLimit, {
    global: false,
    ...(deps.config.redisUrl
      ? await redisRateLimit(app, deps.config.redisUrl)
      : deps.db.dialect === 'postgres'
        ? { store: databaseRateLimitStore(deps.db) }
        : {}),
  });
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
  app.addSchema(ReceiptV2Schema);
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
  // Before the routes, so its timing hook covers every one of them.
  metricsRoutes(
    app,
    new PortalMetrics({
      db: deps.db,
      engine: deps.engine,
      chainOps: deps.chainOps,
      ...(deps.writer ? { writer: deps.writer } : {}),
      replica: deps.config.replicaId ?? `${hostname()}-${process.pid}`,
    }),
    deps.config.metricsToken,
  );
  // Changes queue their notifications in their own transaction; wake the worker once the answer is out
  // rather than at its next idle poll. A kick with nothing queued costs one indexed read.
  app.addHook('onResponse', (request, reply, done) => {
    if (reply.statusCode < 400 && (request.method !== 'GET' || request.url.startsWith('/api/shares/')))
      deps.notifications.kick();
    done();
  });

  authRoutes(app, deps);
  secondFactorRoutes(app, deps);
  stepUpRoutes(app, deps);
  patientRoutes(app, deps);
  doctorRoutes(app, deps);
  adminRoutes(app, deps);
  requestRoutes(app, deps);
  issueRoute(app, deps);
  certificateRoute(app, deps);
  documentRoutes(app, deps);
  signatureRoutes(app, deps);
  shareRoutes(app, deps);
  verifyRoutes(app, deps);
  stampRoutes(app, deps);
  await rpcRoutes(app, deps);
  auditRoutes(app, deps);
  healthRoutes(app, deps);
  notificationRoutes(app, deps);
  app.get('/api/openapi.json', { schema: { hide: true }, config: { public: true } }, () => app.swagger());

  await options.extend?.(app);
  const web = options.web === false ? undefined : webRoot();
  if (web) serveWeb(app, web);
  else deps.log.warn('the web UI is not built (npm run build): serving the API only');
  return app;
}
