import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '../../store/db/schema.js';
import { appendAudit } from '../../store/audit/appendAudit.js';
import { forbidden, unauthorized } from '../http/HttpError.js';
import type { PortalDeps } from '../PortalDeps.js';
import { loadSession, SESSION_COOKIE, type LoadedSession, type SessionPolicy } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session, or null. Set for every request before any route runs. */
    auth: LoadedSession | null;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in. Everything else needs a session: default deny. */
    public?: boolean;
    /** Roles allowed; others get 403 (and an audit row). */
    roles?: readonly Role[];
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function sessionPolicy(deps: PortalDeps): SessionPolicy {
  return {
    idleMs: deps.config.sessionIdleMinutes * 60_000,
    absoluteMs: deps.config.sessionHours * 3_600_000,
  };
}

/** Where a request came from, for the audit log. */
export const clientIp = (request: FastifyRequest): string => request.ip;

/**
 * Sessions, CSRF and default deny, before any route:
 * - the session cookie is looked up on every request (so sign-out and disabled accounts act at once);
 * - a cross-site `Origin` is refused for every state change, and a signed-in change needs the
 *   session's CSRF token in `x-csrf-token`;
 * - a route is private unless it says `public`; `roles` limit it further (403, audited).
 */
export function installAuth(app: FastifyInstance, deps: PortalDeps): void {
  const policy = sessionPolicy(deps);
  const origin = new URL(deps.config.publicUrl).origin;
  app.decorateRequest('auth', null);

  app.addHook('onRequest', async (request) => {
    const sid = request.cookies[SESSION_COOKIE];
    request.auth = sid ? ((await loadSession(deps.db.kysely, sid, policy)) ?? null) : null;

    const config = request.routeOptions.config;
    if (UNSAFE.has(request.method)) {
      const from = request.headers.origin;
      if (from !== undefined && from !== origin) throw forbidden('CSRF_FAILED', 'cross-site request refused');
      // Public routes act on no one's authority (sign-in, registration, verify): the Origin check suffices.
      if (request.auth && !config.public) {
        const token = request.headers['x-csrf-token'];
        if (typeof token !== 'string' || !same(token, request.auth.csrfToken))
          throw forbidden('CSRF_FAILED', 'missing or wrong CSRF token');
      }
    }

    if (config.public) return;
    if (!request.auth) throw unauthorized();
    if (config.roles && !config.roles.includes(request.auth.user.role)) {
      await deps.db.kysely.transaction().execute((trx) =>
        appendAudit(trx, {
          actorId: request.auth!.user.id,
          actorRole: request.auth!.user.role,
          action: 'authz.denied',
          outcome: 'denied',
          ip: clientIp(request),
          details: { route: request.routeOptions.url ?? '', method: request.method },
        }),
      );
      throw forbidden();
    }
  });
}
