import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCredentialPublicKey, isoBase64URL } from '@simplewebauthn/server/helpers';
import { AuditWriter } from '../../src/store/audit/AuditWriter.js';
import { relyingPartyOf } from '../../src/store/secondFactor/RelyingParty.js';
import { SecondFactorRepository } from '../../src/store/secondFactor/SecondFactorRepository.js';
import { totpCodeAt } from '../../src/store/secondFactor/totpCode.js';
import { DB_KINDS } from '../helpers/databases.js';
import { PASSWORD, startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { passkeyOf, SoftPasskey } from '../helpers/softPasskey.js';

type Json = Record<string, unknown>;
interface Options {
  challengeId: string;
  options: { challenge: string; rp: { id: string }; user: { id: string }; rpId: string };
}

/**
 * Second factors of doctors and admins through the portal's API, on SQLite and PostgreSQL: the
 * password alone reaches nothing but the second step (or enrolment), passkeys as second factor and
 * alone, TOTP with replay refused, recovery codes once, and the rule that one factor always remains.
 * The passkey is a software authenticator answering the real WebAuthn ceremonies.
 */
describe.each(DB_KINDS)('second factor on %s', (db) => {
  let portal: TestPortal;
  let admin: Client;
  let origin: string;

  beforeAll(async () => {
    portal = await startTestPortal({ db });
    admin = await portal.admin();
    origin = portal.system.config.publicUrl;
  }, 120_000);
  afterAll(() => portal?.stop());

  /** A new doctor account, not yet signed in. */
  const newDoctor = async () => {
    const email = `dr.${randomBytes(4).toString('hex')}@hospital.test`;
    const r = await admin.post('/api/doctors', {
      email,
      name: 'Dr Second',
      registrationNumber: `MCI-${randomBytes(3).toString('hex')}`,
      password: PASSWORD,
    });
    expect(r.status).toBe(201);
    return email;
  };

  // Each from its own address: sign-in is rate-limited per address (20 a minute), and this file signs in often.
  let ips = 0;
  const passwordOnly = async (email: string) => {
    const c = portal.client(`10.0.${Math.floor(++ips / 250)}.${(ips % 250) + 1}`);
    const r = await c.login(email, PASSWORD, { secondFactor: false });
    expect(r.status).toBe(200);
    return { c, me: r.json<Json>() };
  };

  it('a doctor with no second factor reaches only enrolment: doctor routes answer 403 until a passkey is added', async () => {
    const email = await newDoctor();
    const { c, me } = await passwordOnly(email);
    expect(me).toMatchObject({ stage: 'enroll', user: { email, role: 'doctor' } });
    expect(me).not.toHaveProperty('doctor'); // no profile before the second factor
    for (const url of ['/api/documents', '/api/requests', '/api/audit'])
      expect((await c.get(url)).json(), url).toMatchObject({
        error: { code: 'SECOND_FACTOR_ENROLLMENT_REQUIRED' },
      });
    const issue = await portal.issue(c, (await portal.patient()).user!.id);
    expect(issue.status).toBe(403);
    expect((await c.get('/api/me')).json()).toMatchObject({ stage: 'enroll' });

    // Enrolling the first passkey makes the session full (a new id) and shows recovery codes once.
    const o = (await c.post('/api/me/passkeys/options')).json<Options>();
    expect(o.options.rp.id).toBe(new URL(origin).hostname);
    const key = new SoftPasskey(origin);
    const before = c.cookie;
    const added = await c.post('/api/me/passkeys', {
      challengeId: o.challengeId,
      name: 'Consulting room key',
      credential: key.register(o.options),
    });
    expect(added.status).toBe(201);
    const body = added.json<{ recoveryCodes: string[]; me: Json; passkey: Json }>();
    expect(body.recoveryCodes).toHaveLength(10);
    expect(body.me).toMatchObject({ stage: 'full', doctor: { registrationNumber: expect.any(String) } });
    expect(body.passkey).toMatchObject({ id: key.id, name: 'Consulting room key' });
    expect(c.cookie).not.toBe(before);
    c.adopt(body.me);
    expect((await c.get('/api/documents')).status).toBe(200);

    // The passkey's COSE public key is stored as the authenticator made it (for the issuer profile).
    const keys = await portal.system.db.kysely
      .selectFrom('webauthn_credentials')
      .selectAll()
      .where('id', '=', key.id)
      .execute();
    expect(keys).toHaveLength(1);
    const cose = decodeCredentialPublicKey(isoBase64URL.toBuffer(keys[0]!.public_key));
    expect(cose.get(3)).toBe(-7);
    expect(keys[0]!.algorithm).toBe(-7);
    // …and handed out as the issuer profile will need it: the same x and y the authenticator holds.
    const factors = new SecondFactorRepository(
      portal.system.db,
      new AuditWriter(portal.system.db),
      portal.system.secrets.masterKey,
      relyingPartyOf(origin),
    );
    const [published] = await factors.publicKeysOf(keys[0]!.user_id);
    expect(published).toMatchObject({ credentialId: key.id, algorithm: -7 });
    const decoded = decodeCredentialPublicKey(isoBase64URL.toBuffer(published!.publicKey)) as unknown as Map<
      number,
      Uint8Array
    >;
    expect(Buffer.from(decoded.get(-2)!).equals(key.publicXY().x)).toBe(true);
    expect(Buffer.from(decoded.get(-3)!).equals(key.publicXY().y)).toBe(true);
    // The same answer cannot enrol twice: its challenge was used.
    const again = await c.post('/api/me/passkeys', {
      challengeId: o.challengeId,
      credential: key.register(o.options),
    });
    expect(again.json()).toMatchObject({ error: { code: 'SECOND_FACTOR_INVALID' } });
  });

  it('after the password a doctor must confirm with the passkey (401 everywhere else); a wrong key is refused', async () => {
    const doctor = await portal.doctor(admin);
    const email = doctor.user!.email;
    const { c, me } = await passwordOnly(email);
    expect(me).toMatchObject({ stage: 'second-factor', secondFactors: { passkey: true, totp: false } });
    for (const url of ['/api/documents', '/api/requests', '/api/me/security'])
      expect((await c.get(url)).json(), url).toMatchObject({ error: { code: 'SECOND_FACTOR_REQUIRED' } });
    expect((await c.get('/api/documents')).status).toBe(401);

    // Another authenticator's answer (not this doctor's credential) is refused.
    const stranger = new SoftPasskey(origin);
    let o = (await c.post('/api/auth/second-factor/options')).json<Options>();
    const wrong = await c.post('/api/auth/second-factor/passkey', {
      challengeId: o.challengeId,
      credential: stranger.assert(o.options),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toMatchObject({ error: { code: 'SECOND_FACTOR_INVALID' } });

    o = (await c.post('/api/auth/second-factor/options')).json<Options>();
    const answer = passkeyOf(origin, email)!.assert(o.options);
    const ok = await c.post('/api/auth/second-factor/passkey', {
      challengeId: o.challengeId,
      credential: answer,
    });
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ stage: 'full' });
    c.adopt(ok.json());
    expect((await c.get('/api/documents')).status).toBe(200);
    // Replaying the same answer in another pending session fails: the challenge was used.
    const { c: c2 } = await passwordOnly(email);
    const replay = await c2.post('/api/auth/second-factor/passkey', {
      challengeId: o.challengeId,
      credential: answer,
    });
    expect(replay.json()).toMatchObject({ error: { code: 'SECOND_FACTOR_INVALID' } });
    const audit = await portal.system.db.kysely
      .selectFrom('audit_log')
      .select(['outcome', 'details'])
      .where('action', '=', 'auth.second-factor')
      .where('actor_id', '=', doctor.user!.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.outcome)).toEqual(['failure', 'success', 'failure']);
  });

  it('signs in with the passkey alone (user verified), never with an unverified one or a replayed answer', async () => {
    const doctor = await portal.doctor(admin);
    const key = passkeyOf(origin, doctor.user!.email)!;
    const c = portal.client();
    const o = (await c.post('/api/auth/passkey/options')).json<Options>();
    expect(o.options).not.toHaveProperty('allowCredentials', expect.arrayContaining([expect.anything()]));
    const answer = key.assert(o.options);
    const r = await c.post('/api/auth/passkey', { challengeId: o.challengeId, credential: answer });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ stage: 'full', user: { id: doctor.user!.id } });
    c.adopt(r.json());
    expect((await c.get('/api/documents')).status).toBe(200);
    expect(
      (await portal.client().post('/api/auth/passkey', { challengeId: o.challengeId, credential: answer }))
        .status,
    ).toBe(401);

    // A key without user verification is a second factor, not a sign-in on its own.
    const email = await newDoctor();
    const { c: d } = await passwordOnly(email);
    const unverified = new SoftPasskey(origin, false);
    const reg = (await d.post('/api/me/passkeys/options')).json<Options>();
    expect(
      (
        await d.post('/api/me/passkeys', {
          challengeId: reg.challengeId,
          credential: unverified.register(reg.options),
        })
      ).status,
    ).toBe(201);
    const o2 = (await portal.client().post('/api/auth/passkey/options')).json<Options>();
    const refused = await portal.client().post('/api/auth/passkey', {
      challengeId: o2.challengeId,
      credential: unverified.assert(o2.options),
    });
    expect(refused.json()).toMatchObject({ error: { code: 'SECOND_FACTOR_INVALID' } });
  });

  it('a recovery code works once', async () => {
    const email = await newDoctor();
    const first = portal.client();
    await first.login(email, PASSWORD);
    const [code] = first.recoveryCodes!;
    const { c } = await passwordOnly(email);
    const ok = await c.post('/api/auth/second-factor/recovery-code', { code: code!.toUpperCase() });
    expect(ok.status).toBe(200);
    c.adopt(ok.json());
    expect((await c.get('/api/me/security')).json()).toMatchObject({ recoveryCodesLeft: 9 });
    const { c: again } = await passwordOnly(email);
    const reused = await again.post('/api/auth/second-factor/recovery-code', { code });
    expect(reused.status).toBe(401);
    expect(reused.json()).toMatchObject({ error: { code: 'SECOND_FACTOR_INVALID' } });
    // New codes replace the old ones, shown once.
    const fresh = (await c.post('/api/me/recovery-codes')).json<{ recoveryCodes: string[] }>().recoveryCodes;
    expect(fresh).toHaveLength(10);
    const { c: third } = await passwordOnly(email);
    expect(
      (await third.post('/api/auth/second-factor/recovery-code', { code: first.recoveryCodes![1] })).status,
    ).toBe(401);
    expect((await third.post('/api/auth/second-factor/recovery-code', { code: fresh[0] })).status).toBe(200);
  });

  it('an admin can use an authenticator app: confirmed by a code, a code passes once, wrong codes are throttled', async () => {
    const email = `admin2.${randomBytes(3).toString('hex')}@hospital.test`;
    // A second admin, as `medproof user add` would make one: straight into the accounts repository.
    const { AccountRepository } = await import('../../src/store/accounts/AccountRepository.js');
    const { AuditWriter } = await import('../../src/store/audit/AuditWriter.js');
    await new AccountRepository(
      portal.system.db,
      {
        masterKey: portal.system.secrets.masterKey,
        patientRefSecret: portal.system.secrets.patientRefSecret,
        // An admin has no issuer profile: the institution is never used for this account.
        institution: { name: 'Test Hospital', domain: 'hospital.test' },
      },
      new AuditWriter(portal.system.db),
    ).createAccount(
      { role: 'admin', email, name: 'Second admin', password: PASSWORD },
      { id: null, role: 'system', ip: null },
      'cli',
    );

    const { c, me } = await passwordOnly(email);
    expect(me).toMatchObject({ stage: 'enroll' });
    expect((await c.get('/api/users')).json()).toMatchObject({
      error: { code: 'SECOND_FACTOR_ENROLLMENT_REQUIRED' },
    });
    const setup = (await c.post('/api/me/totp')).json<{ secret: string; uri: string }>();
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\//);
    expect((await c.post('/api/me/totp/confirm', { code: '000000' })).status).toBe(401);
    const now = Date.now();
    const confirmed = await c.post('/api/me/totp/confirm', { code: totpCodeAt(setup.secret, now) });
    expect(confirmed.status).toBe(200);
    const body = confirmed.json<{ me: Json; recoveryCodes: string[] }>();
    expect(body.me).toMatchObject({ stage: 'full' });
    expect(body.recoveryCodes).toHaveLength(10);
    c.adopt(body.me);
    expect((await c.get('/api/users')).status).toBe(200);

    // The confirming code is spent; the next step's code (accepted within one step of drift) passes.
    const { c: s, me: pending } = await passwordOnly(email);
    expect(pending).toMatchObject({ stage: 'second-factor', secondFactors: { passkey: false, totp: true } });
    expect(
      (await s.post('/api/auth/second-factor/totp', { code: totpCodeAt(setup.secret, now) })).json(),
    ).toMatchObject({
      error: { code: 'SECOND_FACTOR_INVALID' },
    });
    const next = await s.post('/api/auth/second-factor/totp', {
      code: totpCodeAt(setup.secret, now + 30_000),
    });
    expect(next.status).toBe(200);

    // Wrong codes: 5 are checked, then the account's code throttle answers 429.
    const { c: g } = await passwordOnly(email);
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await g.post('/api/auth/second-factor/totp', { code: String(100000 + i) })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('passkeys are listed and removable, never the last second factor; another user’s passkey is 404', async () => {
    const doctor = await portal.doctor(admin);
    const other = await portal.doctor(admin);
    const security = (await doctor.get('/api/me/security')).json<{
      passkeys: { id: string }[];
      totp: boolean;
    }>();
    expect(security.passkeys).toHaveLength(1);
    expect(security.totp).toBe(false);
    const only = security.passkeys[0]!.id;
    expect((await doctor.req('DELETE', `/api/me/passkeys/${only}`)).json()).toMatchObject({
      error: { code: 'LAST_SECOND_FACTOR' },
    });
    const theirs = passkeyOf(origin, other.user!.email)!.id;
    expect((await doctor.req('DELETE', `/api/me/passkeys/${theirs}`)).status).toBe(404);

    // A second passkey (more than one allowed), then the first can go.
    const o = (await doctor.post('/api/me/passkeys/options')).json<
      Options & { options: { excludeCredentials: { id: string }[] } }
    >();
    expect(o.options.excludeCredentials.map((x) => x.id)).toEqual([only]);
    const spare = new SoftPasskey(origin);
    const added = await doctor.post('/api/me/passkeys', {
      challengeId: o.challengeId,
      credential: spare.register(o.options),
    });
    expect(added.status).toBe(201);
    expect(added.json()).not.toHaveProperty('recoveryCodes'); // they exist already: not shown again
    expect((await doctor.req('DELETE', `/api/me/passkeys/${only}`)).status).toBe(204);
    expect((await doctor.get('/api/me/security')).json()).toMatchObject({ passkeys: [{ id: spare.id }] });
  });

  it('a pending session is no one on a public route: a link for a named doctor asks them to finish signing in', async () => {
    const issuer = await portal.doctor(admin);
    const named = await portal.doctor(admin);
    const patient = await portal.patient();
    const issued = await portal.issue(issuer, patient.user!.id);
    expect(issued.status).toBe(201);
    const share = await patient.post(`/api/documents/${issued.json<{ id: string }>().id}/shares`, {
      expiresInHours: 24,
      recipientDoctorId: named.user!.id,
    });
    expect(share.status).toBe(201);
    const token = share.json<{ token: string }>().token;
    const { c } = await passwordOnly(named.user!.email);
    expect((await c.get(`/api/shares/${token}`)).json()).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
    expect((await named.get(`/api/shares/${token}`)).status).toBe(200);
  });

  it('patients have no second factor: their sign-in is full, and the enrolment routes are not theirs', async () => {
    const p = await portal.patient();
    expect((await p.get('/api/me')).json()).toMatchObject({ stage: 'full' });
    expect((await p.post('/api/me/passkeys/options')).status).toBe(403);
  });
});
