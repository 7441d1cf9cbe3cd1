import { Type, type Static } from '@sinclair/typebox';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { appendAudit } from '../../store/audit/appendAudit.js';
import { HttpError, conflict } from '../http/HttpError.js';
import { Email, Name, Password, withErrors } from '../http/schemas.js';
import type { PortalDeps } from '../PortalDeps.js';
import { clientIp, sessionPolicy } from './authPlugin.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import { createSession, destroySession, destroyUserSessions, SESSION_COOKIE } from './sessions.js';
import { describeMe, MeSchema } from './describeMe.js';

const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
const SetupBody = Type.Object(
  { token: Type.String({ minLength: 20, maxLength: 200 }), email: Email, name: Name, password: Password },
  { additionalProperties: false },
);
const PasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);

// Per account: 5 failed sign-ins in 15 minutes, then 429 until the oldest leaves the window.
const FAIL_WINDOW_MS = 15 * 60_000;
const FAIL_MAX = 5;

const accountKey = (email: string) =>
  `acct:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function setSessionCookie(reply: FastifyReply, id: string, maxAgeSeconds: number): void {
  void reply.setCookie(SESSION_COOKIE, id, {
    path: '/',
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    maxAge: maxAgeSeconds,
  });
}

export function authRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const db = deps.db.kysely;
  const policy = sessionPolicy(deps);

  app.post<{ Body: Static<typeof LoginBody> }>(
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
      const email = request.body.email.trim().toLowerCase();
      const key = accountKey(email);
      const now = Date.now();
      const failures = await db
        .selectFrom('login_failures')
        .select('at')
        .where('key', '=', key)
        .where('at', '>', now - FAIL_WINDOW_MS)
        .orderBy('at')
        .execute();
      if (failures.length >= FAIL_MAX) {
        const retry = Math.ceil((failures[0]!.at + FAIL_WINDOW_MS - now) / 1000);
        throw new HttpError(
          429,
          'LOGIN_THROTTLED',
          'too many failed sign-ins for this account: try again later',
          { retryAfterSeconds: retry },
        );
      }
      const user = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      const passwordOk = await verifyPassword(user?.password_hash, request.body.password);
      if (!user || !passwordOk || user.status !== 'active') {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('login_failures').values({ key, at: now }).execute();
          await appendAudit(trx, {
            actorId: user?.id ?? null,
            actorRole: user?.role ?? 'anonymous',
            action: 'auth.login',
            outcome: 'failure',
            ip: clientIp(request),
          });
        });
        // The same answer for an unknown account, a wrong password and a disabled account.
        throw new HttpError(401, 'INVALID_CREDENTIALS', 'email or password is wrong');
      }
      const session = await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('login_failures').where('key', '=', key).execute();
        await appendAudit(trx, {
          actorId: user.id,
          actorRole: user.role,
          action: 'auth.login',
          outcome: 'success',
          ip: clientIp(request),
        });
        return createSession(trx, user.id, clientIp(request), policy);
      });
      setSessionCookie(reply, session.id, Math.floor(policy.absoluteMs / 1000));
      return describeMe(
        deps,
        { id: user.id, role: user.role, name: user.name, email: user.email },
        session.csrfToken,
      );
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
    },
    async (request, reply) => {
      const auth = request.auth!;
      await db.transaction().execute(async (trx) => {
        await destroySession(trx, auth.idHash);
        await appendAudit(trx, {
          actorId: auth.user.id,
          actorRole: auth.user.role,
          action: 'auth.logout',
          outcome: 'success',
          ip: clientIp(request),
        });
      });
      void reply.clearCookie(SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'strict' });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in, and the CSRF token for changes',
        response: withErrors({ 200: MeSchema }),
      },
    },
    async (request) => describeMe(deps, request.auth!.user, request.auth!.csrfToken),
  );

  app.post<{ Body: Static<typeof PasswordBody> }>(
    '/api/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your password (other sessions end)',
        body: PasswordBody,
        response: withErrors({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      const auth = request.auth!;
      const user = await db
        .selectFrom('users')
        .select(['password_hash', 'email'])
        .where('id', '=', auth.user.id)
        .executeTakeFirstOrThrow();
      if (!(await verifyPassword(user.password_hash, request.body.currentPassword))) {
        throw new HttpError(400, 'INVALID_CREDENTIALS', 'current password is wrong', {
          field: 'currentPassword',
        });
      }
      checkPasswordPolicy(request.body.newPassword, user.email);
      const hash = await hashPassword(request.body.newPassword);
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ password_hash: hash, updated_at: Date.now() })
          .where('id', '=', auth.user.id)
          .execute();
        await destroyUserSessions(trx, auth.user.id);
        await appendAudit(trx, {
          actorId: auth.user.id,
          actorRole: auth.user.role,
          action: 'auth.password-changed',
          outcome: 'success',
          ip: clientIp(request),
        });
        const session = await createSession(trx, auth.user.id, clientIp(request), policy);
        setSessionCookie(reply, session.id, Math.floor(policy.absoluteMs / 1000));
      });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/setup',
    {
      schema: {
        tags: ['auth'],
        summary: 'Whether the first admin account still has to be created',
        response: { 200: Type.Object({ needed: Type.Boolean() }) },
      },
      config: { public: true },
    },
    async () => {
      const admin = await db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirst();
      return { needed: !admin };
    },
  );

  app.post<{ Body: Static<typeof SetupBody> }>(
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
      const { token, name } = request.body;
      const email = request.body.email.trim().toLowerCase();
      checkPasswordPolicy(request.body.password, email);
      const hash = await hashPassword(request.body.password);
      const id = randomUUID();
      const now = Date.now();
      const session = await db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('setup_tokens')
          .selectAll()
          .where('token_hash', '=', sha256(token))
          .executeTakeFirst();
        if (!row || row.used_at !== null || row.expires_at < now)
          throw new HttpError(403, 'SETUP_TOKEN_INVALID', 'the setup token is wrong, used or expired');
        if (await trx.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirst())
          throw conflict('SETUP_DONE', 'an admin exists already');
        if (await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst())
          throw conflict('ALREADY_REGISTERED', 'this email is taken');
        await trx
          .updateTable('setup_tokens')
          .set({ used_at: now })
          .where('token_hash', '=', row.token_hash)
          .execute();
        await trx
          .insertInto('users')
          .values({
            id,
            email,
            password_hash: hash,
            role: 'admin',
            name: name.trim(),
            status: 'active',
            created_at: now,
            updated_at: now,
          })
          .execute();
        await appendAudit(trx, {
          actorId: id,
          actorRole: 'admin',
          action: 'user.created',
          outcome: 'success',
          ip: clientIp(request),
          details: { role: 'admin', via: 'setup' },
        });
        return createSession(trx, id, clientIp(request), policy);
      });
      setSessionCookie(reply, session.id, Math.floor(policy.absoluteMs / 1000));
      return reply
        .status(201)
        .send(await describeMe(deps, { id, role: 'admin', name: name.trim(), email }, session.csrfToken));
    },
  );
}
