import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/databases.js';
import { PASSWORD, startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { HELD_ACCOUNT_ID } from '../../src/store/accounts/heldAccount.js';

describe.each(DB_KINDS)('sign-in and sessions on %s', (db) => {
  let portal: TestPortal;
  let admin: Client;

  beforeAll(async () => {
    portal = await startTestPortal({ db });
    admin = await portal.admin();
  }, 120_000);
  afterAll(() => portal?.stop());

  it('sets a __Host- cookie: Secure, HttpOnly, SameSite=Strict, Path=/, and a new id at every sign-in', async () => {
    const p = await portal.patient();
    const c = portal.client();
    const first = await c.login(p.user!.email, PASSWORD);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(
      /^__Host-medproof=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
    const before = c.cookie;
    await c.login(p.user!.email, PASSWORD);
    expect(c.cookie).not.toBe(before);
  });

  it('answers an unknown account and a wrong password identically', async () => {
    const p = await portal.patient();
    const unknown = await portal
      .client('192.0.2.1')
      .post('/api/auth/login', { email: 'nobody@mail.test', password: PASSWORD });
    const wrong = await portal
      .client('192.0.2.2')
      .post('/api/auth/login', { email: p.user!.email, password: 'not the password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toBe(wrong.body);
  });

  it('throttles an account after 5 failures (429, Retry-After), even for the right password', async () => {
    const p = await portal.patient();
    for (let i = 0; i < 5; i++)
      expect(
        (
          await portal
            .client(`192.0.2.${10 + i}`)
            .post('/api/auth/login', { email: p.user!.email, password: `wrong ${i}` })
        ).status,
      ).toBe(401);
    const r = await portal
      .client('192.0.2.99')
      .post('/api/auth/login', { email: p.user!.email, password: PASSWORD });
    expect(r.status).toBe(429);
    expect(r.json()).toMatchObject({ error: { code: 'LOGIN_THROTTLED' } });
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('throttles one address hammering sign-in (429)', async () => {
    const c = portal.client('198.18.0.1');
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push(
        (await c.post('/api/auth/login', { email: `x${i}@mail.test`, password: 'whatever1' })).status,
      );
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('refuses a change without the CSRF token, or from another origin (403), and never mutates on GET', async () => {
    const p = await portal.patient();
    const doctors = (await p.get('/api/doctors')).json<{ id: string }[]>();
    const body = {
      doctorId: doctors[0]?.id ?? '00000000-0000-4000-8000-000000000000',
      docType: 'report',
      note: '',
    };
    const noToken = await p.req('POST', '/api/requests', { json: body, headers: { 'x-csrf-token': '' } });
    expect(noToken.status).toBe(403);
    expect(noToken.json()).toMatchObject({ error: { code: 'CSRF_FAILED' } });
    const crossSite = await p.req('POST', '/api/requests', {
      json: body,
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect((await p.get('/api/requests')).json()).toEqual([]);
  });

  it('logout ends the session on the server', async () => {
    const p = await portal.patient();
    const stolen = p.cookie;
    expect((await p.post('/api/auth/logout')).status).toBe(204);
    const replay = portal.client();
    replay.cookie = stolen;
    expect((await replay.get('/api/me')).status).toBe(401);
  });

  it('disabling an account ends its open sessions at the next request; enabling lets it sign in again', async () => {
    const p = await portal.patient();
    expect((await p.get('/api/me')).status).toBe(200);
    expect((await admin.post(`/api/users/${p.user!.id}/disable`)).status).toBe(204);
    expect((await p.get('/api/me')).status).toBe(401);
    expect((await portal.client().login(p.user!.email, PASSWORD)).status).toBe(401);
    expect((await admin.post(`/api/users/${p.user!.id}/enable`)).status).toBe(204);
    expect((await portal.client().login(p.user!.email, PASSWORD)).status).toBe(200);
    expect((await admin.post(`/api/users/${admin.user!.id}/disable`)).json()).toMatchObject({
      error: { code: 'CANNOT_DISABLE_SELF' },
    });
  });

  it('ends a session idle for 15 minutes, and any session past its absolute lifetime', async () => {
    const k = portal.system.db.kysely;
    const idle = await portal.patient();
    await k
      .updateTable('sessions')
      .set({ last_seen_at: Date.now() - 15 * 60_000 - 1000 })
      .where('user_id', '=', idle.user!.id)
      .execute();
    expect((await idle.get('/api/me')).status).toBe(401);
    const old = await portal.patient();
    await k
      .updateTable('sessions')
      .set({ expires_at: Date.now() - 1000 })
      .where('user_id', '=', old.user!.id)
      .execute();
    expect((await old.get('/api/me')).status).toBe(401);
  });

  it('changing the password ends the other sessions and refuses a weak new one', async () => {
    const p = await portal.patient();
    const other = portal.client();
    await other.login(p.user!.email, PASSWORD);
    const weak = await p.post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'qwerty123' });
    expect(weak.json()).toMatchObject({ error: { code: 'WEAK_PASSWORD' } });
    expect(
      (
        await p.post('/api/me/password', {
          currentPassword: PASSWORD,
          newPassword: 'a much longer passphrase 42',
        })
      ).status,
    ).toBe(204);
    expect((await other.get('/api/me')).status).toBe(401);
    expect((await p.get('/api/me')).status).toBe(200);
  });

  it('stores passwords as Argon2id (m=19 MiB, t=2, p=1), never in clear', async () => {
    const row = await portal.system.db.kysely
      .selectFrom('users')
      .select('password_hash')
      .where('role', '=', 'patient')
      .where('id', '!=', HELD_ACCOUNT_ID) // password-less: nobody signs in as it
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('the setup token works once: a second admin cannot be made with it', async () => {
    const r = await portal.client().post('/api/setup', {
      token: portal.system.setupToken,
      email: 'second@hospital.test',
      name: 'Second',
      password: PASSWORD,
    });
    expect(r.status).toBe(403);
    expect((await portal.client().get('/api/setup')).json()).toEqual({ needed: false });
  });

  it('sends the security headers on every response', async () => {
    for (const r of [
      await portal.client().get('/api/me'),
      await portal.client().get('/health'),
      await portal.client().get('/api/openapi.json'),
    ]) {
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(String(r.headers['content-type'])).toMatch(/^application\/json/);
    }
  });
});
