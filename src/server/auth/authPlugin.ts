import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  confirmedRecently,
  loadSession,
  type LoadedSession,
  type Role,
  type SessionPolicy,
  type SessionStage,
} from '../../store/index.js';
import { forbidden, unauthorized } from '../http/HttpError.js';
import type { PortalDeps } from '../PortalDeps.js';
import { clientIp } from './actorOf.js';
import { SESSION_COOKIE } from './sessionCookie.js';

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
    /**
     * Pending session stages that may use this route besides `full` (the second sign-in step, enrolling
     * a first factor, who am I, sign-out). Everything else needs a fully signed-in session.
     */
    stages?: readonly SessionStage[];
    /**
     * A security change (second factors): a full session must have confirmed the password or a second
     * factor within the last few minutes, else 403 STEP_UP_REQUIRED (audited). Pending sessions are
     * exempt: they are minutes old and were opened by the password just given.
     */
    stepUp?: boolean;
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
    // A session still waiting for its second factor is nobody's authority outside the routes of that
    // step: on a public route (a share link for a named doctor) it counts as no session at all.
    const pending = request.auth && request.auth.stage !== 'full' ? request.auth.stage : undefined;
    if (pending && !config.stages?.includes(pending)) {
      if (config.public) request.auth = null;
      else if (pending === 'second-factor')
        throw unauthorized('SECOND_FACTOR_REQUIRED', 'confirm the sign-in with your passkey or a code first');
      else
        throw forbidden(
          'SECOND_FACTOR_ENROLLMENT_REQUIRED',
          'set up a passkey or an authenticator app first: it is required for your role',
        );
    }
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
      await deps.audit.append({
        actorId: request.auth.user.id,
        actorRole: request.auth.user.role,
        action: 'authz.denied',
        outcome: 'denied',
        ip: clientIp(request),
        details: { route: request.routeOptions.url ?? '', method: request.method },
      });
      throw forbidden();
    }
    if (config.stepUp && request.auth.stage === 'full' && !confirmedRecently(request.auth)) {
      await deps.audit.append({
        actorId: request.auth.user.id,
        actorRole: request.auth.user.role,
        action: 'auth.step-up',
        outcome: 'denied',
        ip: clientIp(request),
        // `method` in this action's details is how a step-up passed; here the request is named whole.
        details: { route: `${request.method} ${request.routeOptions.url ?? ''}` },
      });
      throw forbidden('STEP_UP_REQUIRED', 'confirm it is you (your password or a second factor) first');
    }
  });
}
