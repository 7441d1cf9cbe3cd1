import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_UP_MS } from '../../src/store/accounts/sessions.js';
import { totpCodeAt } from '../../src/store/secondFactor/totpCode.js';
import { DB_KINDS } from '../helpers/databases.js';
import { PASSWORD, startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { passkeyOf, SoftPasskey } from '../helpers/softPasskey.js';

type Json = Record<string, unknown>;
const detailsOf = (row: { details: string }) => JSON.parse(row.details) as Json;
interface Options {
  challengeId: string;
  options: { challenge: string; rp: { id: string }; user: { id: string }; rpId: string };
}

/**
 * Step-up and an admin's reset of second factors, through the portal's API on SQLite and PostgreSQL:
 * a session whose last confirmation is older than a few minutes cannot add or remove second factors
 * (or make recovery codes, or reset someone's) until it confirms again with the password, a passkey or
 * an authenticator code; every refusal and confirmation is audited. "Older" is made by moving the
 * session's confirmation time back in the database, as time would.
 */
describe.each(DB_KINDS)('step-up and second factor reset on %s', (db) => {
  let portal: TestPortal;
  let admin: Client;
  let origin: string;

  beforeAll(async () => {
    portal = await startTestPortal({ db });
    admin = await portal.admin();
    origin = portal.system.config.publicUrl;
  }, 120_000);
  afterAll(() => portal?.stop());

  const k = () => portal.system.db.kysely;
  const idHashOf = (c: Client) =>
    createHash('sha256')
      .update(c.cookie!.slice(c.cookie!.indexOf('=') + 1))
      .digest('hex');
  /** The client's session as it is once its last confirmation is older than the step-up window. */
  const age = (c: Client, confirmedAt: number | null = Date.now() - STEP_UP_MS - 1_000) =>
    k()
      .updateTable('sessions')
      .set({ confirmed_at: confirmedAt })
      .where('id_hash', '=', idHashOf(c))
      .execute();
  const auditOf = (userId: string, action: string) =>
    k()
      .selectFrom('audit_log')
      .select(['outcome', 'details'])
      .where('action', '=', action)
      .where('actor_id', '=', userId)
      .orderBy('seq')
      .execute();
  const code = (r: { json<T>(): T }) => r.json<{ error?: { code: string } }>().error?.code;

  /** Adds an authenticator app to a signed-in staff client; its secret and the time of the confirming code. */
  const addTotp = async (c: Client) => {
    const setup = (await c.post('/api/me/totp')).json<{ secret: string }>();
    const at = Date.now();
    expect((await c.post('/api/me/totp/confirm', { code: totpCodeAt(setup.secret, at) })).status).toBe(200);
    return { secret: setup.secret, at };
  };

  it('an old session must confirm its password before changing second factors; a fresh sign-in counts', async () => {
    const doctor = await portal.doctor(admin);
    const id = doctor.user!.id;
    const [passkey] = (await doctor.get('/api/me/security')).json<{ passkeys: { id: string }[] }>().passkeys;
    // Just signed in: the sign-in is the confirmation.
    expect((await doctor.post('/api/me/recovery-codes')).status).toBe(200);

    await age(doctor);
    // [method, url, the route as the audit row names it]
    const attempts: [string, string, string][] = [
      ['POST', '/api/me/passkeys/options', '/api/me/passkeys/options'],
      ['POST', '/api/me/passkeys', '/api/me/passkeys'],
      ['DELETE', `/api/me/passkeys/${passkey!.id}`, '/api/me/passkeys/:id'],
      ['POST', '/api/me/totp', '/api/me/totp'],
      ['POST', '/api/me/totp/confirm', '/api/me/totp/confirm'],
      ['DELETE', '/api/me/totp', '/api/me/totp'],
      ['POST', '/api/me/recovery-codes', '/api/me/recovery-codes'],
    ];
    for (const [method, url] of attempts) {
      const r = await doctor.req(method, url, method === 'POST' ? { json: {} } : {});
      expect(r.status, url).toBe(403);
      expect(code(r), url).toBe('STEP_UP_REQUIRED');
    }
    // Reading and everyday work are not held back.
    expect((await doctor.get('/api/me/security')).status).toBe(200);
    expect((await doctor.get('/api/documents')).status).toBe(200);
    const denied = await auditOf(id, 'auth.step-up');
    expect(denied.map((a) => [a.outcome, detailsOf(a).route])).toEqual(
      attempts.map(([method, , route]) => ['denied', `${method} ${route}`]),
    );

    const wrong = await doctor.post('/api/me/step-up/password', { password: 'not the password' });
    expect(wrong.status).toBe(400);
    expect(wrong.json()).toMatchObject({ error: { code: 'WRONG_CURRENT_PASSWORD', field: 'password' } });
    expect(code(await doctor.post('/api/me/recovery-codes'))).toBe('STEP_UP_REQUIRED');

    const before = Date.now();
    const ok = await doctor.post('/api/me/step-up/password', { password: PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.json<{ confirmedUntil: number }>().confirmedUntil).toBeGreaterThanOrEqual(before + STEP_UP_MS);
    expect(
      (await doctor.post('/api/me/recovery-codes')).json<{ recoveryCodes: string[] }>().recoveryCodes,
    ).toHaveLength(10);
    // The confirmation is this session's only: another session of the same doctor is still old.
    const other = portal.client('10.9.0.1');
    await other.login(doctor.user!.email, PASSWORD);
    await age(other);
    expect(code(await other.post('/api/me/recovery-codes'))).toBe('STEP_UP_REQUIRED');
    // And it wears off like the sign-in's; a session from before confirmations were kept is asked too.
    await age(doctor);
    expect(code(await doctor.post('/api/me/recovery-codes'))).toBe('STEP_UP_REQUIRED');
    await age(doctor, null);
    expect(code(await doctor.post('/api/me/recovery-codes'))).toBe('STEP_UP_REQUIRED');

    const trail = (await auditOf(id, 'auth.step-up')).slice(attempts.length);
    expect(trail.map((a) => [a.outcome, detailsOf(a).method ?? null])).toEqual([
      ['failure', 'password'],
      ['denied', null],
      ['success', 'password'],
      ['denied', null],
      ['denied', null],
      ['denied', null],
    ]);
  });

  it('a passkey or an authenticator code confirms too; another account’s passkey and a spent code do not', async () => {
    const doctor = await portal.doctor(admin);
    const totp = await addTotp(doctor);
    await age(doctor);

    // Someone else's passkey, or this doctor's passkey answering a used challenge: refused and audited.
    const stranger = new SoftPasskey(origin);
    let o = (await doctor.post('/api/me/step-up/passkey/options')).json<Options>();
    const refused = await doctor.post('/api/me/step-up/passkey', {
      challengeId: o.challengeId,
      credential: stranger.assert(o.options),
    });
    expect(refused.status).toBe(401);
    expect(code(refused)).toBe('SECOND_FACTOR_INVALID');
    o = (await doctor.post('/api/me/step-up/passkey/options')).json<Options>();
    const answer = passkeyOf(origin, doctor.user!.email)!.assert(o.options);
    expect(
      (await doctor.post('/api/me/step-up/passkey', { challengeId: o.challengeId, credential: answer }))
        .status,
    ).toBe(200);
    expect(
      code(await doctor.post('/api/me/step-up/passkey', { challengeId: o.challengeId, credential: answer })),
    ).toBe('SECOND_FACTOR_INVALID');
    // Confirmed by the passkey: the app can go (the passkey remains).
    expect((await doctor.req('DELETE', '/api/me/totp')).status).toBe(204);
    expect(totp.secret).not.toBe('');

    // The authenticator app: the code that confirmed it is spent, the next step's passes.
    const d2 = await portal.doctor(admin);
    const t2 = await addTotp(d2);
    await age(d2);
    expect(code(await d2.post('/api/me/step-up/totp', { code: totpCodeAt(t2.secret, t2.at) }))).toBe(
      'SECOND_FACTOR_INVALID',
    );
    expect(
      (await d2.post('/api/me/step-up/totp', { code: totpCodeAt(t2.secret, t2.at + 30_000) })).status,
    ).toBe(200);
    // With both factors, the passkey can go; then the app is the last one and stays.
    const [pk] = (await d2.get('/api/me/security')).json<{ passkeys: { id: string }[] }>().passkeys;
    expect((await d2.req('DELETE', `/api/me/passkeys/${pk!.id}`)).status).toBe(204);
    expect(code(await d2.req('DELETE', '/api/me/totp'))).toBe('LAST_SECOND_FACTOR');
    expect((await d2.get('/api/me/security')).json()).toMatchObject({ passkeys: [], totp: true });

    const methods = (await auditOf(d2.user!.id, 'auth.step-up'))
      .filter((a) => a.outcome !== 'denied')
      .map((a) => [a.outcome, detailsOf(a).method]);
    expect(methods).toEqual([
      ['failure', 'totp'],
      ['success', 'totp'],
    ]);
  });

  it('patients have no step-up: the routes are for doctors and admins', async () => {
    const p = await portal.patient();
    expect((await p.post('/api/me/step-up/password', { password: PASSWORD })).status).toBe(403);
  });

  it('an admin resets a doctor’s lost second factors: sessions end, the next sign-in enrols again; audited', async () => {
    const doctor = await portal.doctor(admin);
    await addTotp(doctor);
    const other = await portal.doctor(admin);
    const id = doctor.user!.id;
    const reset = (c: Client, userId: string) => c.post(`/api/users/${userId}/second-factor/reset`);

    expect((await reset(other, id)).status).toBe(403); // a doctor is no admin
    expect(code(await reset(admin, admin.user!.id))).toBe('CANNOT_RESET_OWN_SECOND_FACTOR');
    const patient = await portal.patient();
    expect((await reset(admin, patient.user!.id)).status).toBe(404);
    expect((await reset(admin, '00000000-0000-4000-8000-000000000000')).status).toBe(404);

    // An admin's old session confirms first, as for their own factors.
    await age(admin);
    expect(code(await reset(admin, id))).toBe('STEP_UP_REQUIRED');
    expect((await admin.post('/api/me/step-up/password', { password: PASSWORD })).status).toBe(200);
    const profile = async () =>
      JSON.parse(
        (
          await k()
            .selectFrom('doctors')
            .select('issuer_profile')
            .where('user_id', '=', id)
            .executeTakeFirstOrThrow()
        ).issuer_profile!,
      ) as { passkeys: string[] };
    expect((await profile()).passkeys).toHaveLength(1);
    const r = await reset(admin, id);
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ passkeys: 1, totp: true });
    // The lost passkey leaves the doctor's issuer profile (a new term on chain): it signs nothing more.
    expect((await profile()).passkeys).toEqual([]);
    expect((await reset(admin, id)).json()).toEqual({ passkeys: 0, totp: false });

    // The doctor's session is gone; the other doctor's is not.
    expect((await doctor.get('/api/me')).status).toBe(401);
    expect((await other.get('/api/documents')).status).toBe(200);
    const left = await k()
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', id)
      .execute();
    expect(left).toEqual([]);

    // The password leads to enrolment again (the old passkey is not asked for); a pending session,
    // minutes old by construction, enrols without a step-up.
    const again = portal.client('10.9.0.2');
    const signIn = await again.login(doctor.user!.email, PASSWORD, { secondFactor: false });
    expect(signIn.json()).toMatchObject({ stage: 'enroll' });
    await age(again, null);
    const o = (await again.post('/api/me/passkeys/options')).json<Options>();
    const fresh = new SoftPasskey(origin);
    const added = await again.post('/api/me/passkeys', {
      challengeId: o.challengeId,
      credential: fresh.register(o.options),
    });
    expect(added.status).toBe(201);
    const body = added.json<{ recoveryCodes: string[]; me: Json }>();
    expect(body.recoveryCodes).toHaveLength(10); // the old ones went with the reset
    expect(body.me).toMatchObject({ stage: 'full' });

    const audit = await auditOf(admin.user!.id, 'auth.second-factor-reset');
    expect(audit.map((a) => detailsOf(a))).toEqual([
      { userId: id, passkeys: 1, totp: true },
      { userId: id, passkeys: 0, totp: false },
    ]);
    // The person hears of each reset by mail (a security message: it cannot be turned off).
    const told = await portal.system.db.kysely
      .selectFrom('notifications')
      .select('kind')
      .where('user_id', '=', id)
      .where('kind', '=', 'second-factor.reset')
      .execute();
    expect(told).toHaveLength(2);
  });
});
