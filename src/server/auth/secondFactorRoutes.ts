import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AddPasskeyBody,
  AssertionBody,
  CeremonyOptions,
  CodeBody,
  CredentialIdParams,
  Enrolled,
  MeSchema,
  RecoveryCodesCreated,
  SecurityOverview,
  TotpSetup,
  withErrors,
} from '../../api/index.js';
import type { NewSession } from '../../store/index.js';
import type { PortalDeps } from '../PortalDeps.js';
import { clientIp, userActorOf } from './actorOf.js';
import { sessionPolicy } from './authPlugin.js';
import { meOf } from './meOf.js';
import { setSessionCookie } from './sessionCookie.js';

const STAFF = ['doctor', 'admin'] as const;
const CODE_LIMIT = { rateLimit: { max: 20, timeWindow: '1 minute' } };

/**
 * Passkeys, the TOTP fallback and recovery codes (issue 9 item 1): the second sign-in step for
 * doctors and admins, enrolling a first factor at first sign-in, signing in with a passkey alone, and
 * the security settings. Each route is schema + one repository call + mapping.
 */
export function secondFactorRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const factors = deps.repos.secondFactors;
  const policy = sessionPolicy(deps);
  const maxAge = Math.floor(policy.absoluteMs / 1000);
  const current = (request: FastifyRequest) => request.auth!;
  /** The full session that replaced a pending one: new cookie, and `me` with its CSRF token. */
  const signedIn = async (reply: FastifyReply, request: FastifyRequest, session: NewSession) => {
    setSessionCookie(reply, session.id, maxAge);
    return meOf(deps, current(request).user, session.csrfToken, 'full');
  };

  // ── enrolling (at first sign-in, or more later from the settings) ──────────────────────────────

  app.post(
    '/api/me/passkeys/options',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Start creating a passkey (WebAuthn registration options)',
        response: withErrors({ 200: CeremonyOptions }),
      },
      config: { roles: STAFF, stages: ['enroll'], stepUp: true },
    },
    async (request) => factors.registrationOptions(current(request).user),
  );

  app.post(
    '/api/me/passkeys',
    {
      schema: {
        tags: ['second factor'],
        summary:
          'Store a passkey from the authenticator’s answer; the first factor ends the enrolment (recovery codes, once)',
        body: AddPasskeyBody,
        response: withErrors({ 201: Enrolled }),
      },
      config: { roles: STAFF, stages: ['enroll'], stepUp: true },
    },
    async (request, reply) => {
      const r = await factors.addPasskey(
        current(request),
        userActorOf(request),
        request.body.challengeId,
        request.body.credential as RegistrationResponseJSON,
        request.body.name ?? '',
        policy,
      );
      const me = r.session ? await signedIn(reply, request, r.session) : undefined;
      return reply.status(201).send({
        passkey: r.passkey,
        ...(r.recoveryCodes ? { recoveryCodes: r.recoveryCodes } : {}),
        ...(me ? { me } : {}),
      });
    },
  );

  app.delete(
    '/api/me/passkeys/:id',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Remove one of your passkeys (never your last second factor)',
        params: CredentialIdParams,
        response: withErrors({ 204: Type.Null() }),
      },
      config: { roles: STAFF, stepUp: true },
    },
    async (request, reply) => {
      const actor = userActorOf(request);
      await factors.removePasskey({ ...actor, role: current(request).user.role }, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/me/totp',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Start setting up an authenticator app: a new secret, confirmed by the next call',
        response: withErrors({ 200: TotpSetup }),
      },
      config: { roles: STAFF, stages: ['enroll'], stepUp: true },
    },
    async (request) => factors.startTotp(current(request).user),
  );

  app.post(
    '/api/me/totp/confirm',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Confirm the authenticator app with a code from it',
        body: CodeBody,
        response: withErrors({ 200: Enrolled }),
      },
      config: { roles: STAFF, stages: ['enroll'], stepUp: true, ...CODE_LIMIT },
    },
    async (request, reply) => {
      const r = await factors.confirmTotp(current(request), userActorOf(request), request.body.code, policy);
      const me = r.session ? await signedIn(reply, request, r.session) : undefined;
      return { ...(r.recoveryCodes ? { recoveryCodes: r.recoveryCodes } : {}), ...(me ? { me } : {}) };
    },
  );

  app.delete(
    '/api/me/totp',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Remove the authenticator app (never your last second factor)',
        response: withErrors({ 204: Type.Null() }),
      },
      config: { roles: STAFF, stepUp: true },
    },
    async (request, reply) => {
      await factors.removeTotp({ ...userActorOf(request), role: current(request).user.role });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/me/recovery-codes',
    {
      schema: {
        tags: ['second factor'],
        summary: 'New recovery codes (the old ones stop working); shown once',
        response: withErrors({ 200: RecoveryCodesCreated }),
      },
      config: { roles: STAFF, stepUp: true },
    },
    async (request) => ({ recoveryCodes: await factors.regenerateRecoveryCodes(userActorOf(request)) }),
  );

  app.get(
    '/api/me/security',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Your passkeys, authenticator app and how many recovery codes are left',
        response: withErrors({ 200: SecurityOverview }),
      },
      config: { roles: STAFF },
    },
    async (request) => factors.overview(current(request).user.id),
  );

  // ── the second sign-in step ────────────────────────────────────────────────────────────────────

  app.post(
    '/api/auth/second-factor/options',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Start confirming the sign-in with a passkey (WebAuthn authentication options)',
        response: withErrors({ 200: CeremonyOptions }),
      },
      config: { stages: ['second-factor'] },
    },
    async (request) => factors.assertionOptions(current(request).user),
  );

  app.post(
    '/api/auth/second-factor/passkey',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Confirm the sign-in with a passkey',
        body: AssertionBody,
        response: withErrors({ 200: MeSchema }),
      },
      config: { stages: ['second-factor'], ...CODE_LIMIT },
    },
    async (request, reply) =>
      signedIn(
        reply,
        request,
        await factors.passWithPasskey(
          current(request),
          userActorOf(request),
          request.body.challengeId,
          request.body.credential as AuthenticationResponseJSON,
          policy,
        ),
      ),
  );

  app.post(
    '/api/auth/second-factor/totp',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Confirm the sign-in with a code from the authenticator app',
        body: CodeBody,
        response: withErrors({ 200: MeSchema }),
      },
      config: { stages: ['second-factor'], ...CODE_LIMIT },
    },
    async (request, reply) =>
      signedIn(
        reply,
        request,
        await factors.passWithTotp(current(request), userActorOf(request), request.body.code, policy),
      ),
  );

  app.post(
    '/api/auth/second-factor/recovery-code',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Confirm the sign-in with a recovery code (each works once)',
        body: CodeBody,
        response: withErrors({ 200: MeSchema }),
      },
      config: { stages: ['second-factor'], ...CODE_LIMIT },
    },
    async (request, reply) =>
      signedIn(
        reply,
        request,
        await factors.passWithRecoveryCode(current(request), userActorOf(request), request.body.code, policy),
      ),
  );

  // ── a passkey alone ────────────────────────────────────────────────────────────────────────────

  app.post(
    '/api/auth/passkey/options',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Start signing in with a passkey alone (discoverable credential)',
        response: withErrors({ 200: CeremonyOptions }),
      },
      config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async () => factors.passkeySignInOptions(),
  );

  app.post(
    '/api/auth/passkey',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Sign in with a passkey alone (user verification required)',
        body: AssertionBody,
        response: withErrors({ 200: MeSchema }),
      },
      config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { session, user } = await factors.signInWithPasskey(
        request.body.challengeId,
        request.body.credential as AuthenticationResponseJSON,
        clientIp(request),
        policy,
      );
      setSessionCookie(reply, session.id, maxAge);
      return meOf(deps, user, session.csrfToken, 'full');
    },
  );
}
