import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  LoginBody,
  MeSchema,
  PasswordBody,
  ResetCompleteBody,
  ResetRequestBody,
  ResetRequested,
  SetupBody,
  SetupNeeded,
  withErrors,
} from '../../api/index.js';
import { AccountRepository } from '../../store/index.js';
import type { PortalDeps } from '../PortalDeps.js';
import { actorOf, clientIp, userActorOf } from './actorOf.js';
import { sessionPolicy } from './authPlugin.js';
import { meOf, meOfSession } from './meOf.js';
import { clearSessionCookie, setSessionCookie } from './sessionCookie.js';

/** Sign-in, sign-out (here or everywhere), who am I, password change and reset, the first admin's setup. */
export function authRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, passwordResets } = deps.repos;
  const policy = sessionPolicy(deps);
  const maxAge = Math.floor(policy.absoluteMs / 1000);

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in',
        body: LoginBody,
        response: withErrors({ 200: MeSchema }),
      },
      config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { session, user, stage } = await accounts.signIn(
        request.body.email,
        request.body.password,
        clientIp(request),
        policy,
      );
      setSessionCookie(reply, session.id, maxAge);
      return meOf(deps, user, session.csrfToken, stage);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out (ends the session on the server)',
        response: withErrors({ 204: Type.Null() }),
      },
      config: { stages: ['second-factor', 'enroll'] },
    },
    async (request, reply) => {
      await accounts.signOut(userActorOf(request), request.auth!.idHash);
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/logout-everywhere',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out of every session of your account, this one included',
        response: withErrors({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await accounts.signOutEverywhere(userActorOf(request));
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/reset',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Email a one-time password reset link (the same answer whether or not the address has an account)',
        body: ResetRequestBody,
        response: withErrors({ 202: ResetRequested }),
      },
      config: { public: true, rateLimit: { max: 5, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      await passwordResets.request(request.body.email, clientIp(request));
      return reply.status(202).send({
        message:
          'If this address has an account, a link to reset its password is on its way (valid 30 minutes).',
      });
    },
  );

  app.post(
    '/api/auth/reset/complete',
    {
      schema: {
        tags: ['auth'],
        summary: "Set a new password with a reset link's token (every session of the account ends)",
        body: ResetCompleteBody,
        response: withErrors({ 204: Type.Null() }),
      },
      config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      await passwordResets.complete(request.body.token, request.body.newPassword, clientIp(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in, the CSRF token for changes, and whether a second factor must follow',
        response: withErrors({ 200: MeSchema }),
      },
      config: { stages: ['second-factor', 'enroll'] },
    },
    async (request) => meOfSession(deps, request.auth!),
  );

  app.post(
    '/api/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your password (other sessions end)',
        body: PasswordBody,
        response: withErrors({ 204: Type.Null() }),
      },
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const session = await accounts.changePassword(
        userActorOf(request),
        request.body.currentPassword,
        request.body.newPassword,
        policy,
      );
      setSessionCookie(reply, session.id, maxAge);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/setup',
    {
      schema: {
        tags: ['auth'],
        summary: 'Whether the first admin account still has to be created',
        response: { 200: SetupNeeded },
      },
      config: { public: true },
    },
    async () => ({ needed: !(await accounts.adminExists()) }),
  );

  app.post(
    '/api/setup',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create the first admin with the one-time token printed at first start',
        body: SetupBody,
        response: withErrors({ 201: MeSchema }),
      },
      config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await accounts.createAccount(
        { role: 'admin', email: b.email, name: b.name, password: b.password },
        actorOf(request),
        'setup',
        AccountRepository.consumeSetupToken(b.token),
      );
      // The new admin's session is at the `enroll` stage: a passkey or authenticator app comes next.
      const { session, user, stage } = await accounts.signIn(
        created.email,
        b.password,
        clientIp(request),
        policy,
      );
      setSessionCookie(reply, session.id, maxAge);
      return reply.status(201).send(await meOf(deps, user, session.csrfToken, stage));
    },
  );
}
