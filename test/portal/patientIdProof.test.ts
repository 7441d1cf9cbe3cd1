import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/chain/embedded/processes.js';
import { DB_KINDS } from '../helpers/databases.js';
import { nextAadhaar, PASSWORD, startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { TestSmtpServer } from '../helpers/smtpServer.js';

/** A valid Indian mobile number, new per call. */
const nextMobile = () => `+91 9${String(randomInt(0, 1e9)).padStart(9, '0')}`;
/** Registrations come from many addresses, as they would: the route allows 10 a minute per address. */
const someIp = () => `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;
const email = (who: string) => `${who}.${randomBytes(4).toString('hex')}@mail.test`;
const registration = (patientId: string, who = 'someone') => ({
  email: email(who),
  password: PASSWORD,
  name: 'Ravi Kumar',
  dateOfBirth: '1988-07-15',
  patientId,
});

describe.each(DB_KINDS)('patients prove their id, on %s', (db) => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let admin: Client;
  let doctor: Client;

  beforeAll(async () => {
    smtp = new TestSmtpServer(await freePort());
    await smtp.start();
    portal = await startTestPortal({
      db,
      env: { MEDPROOF_SMTP_HOST: '127.0.0.1', MEDPROOF_SMTP_PORT: String(smtp.port) },
      notify: { retryMaxMs: 1000 },
    });
    admin = await portal.admin();
    doctor = await portal.doctor(admin, 'Dr Mehta');
  }, 120_000);

  afterAll(async () => {
    await portal?.stop();
    await smtp?.stop();
  });

  /** Registers and signs in, without proving the id. */
  async function register(patientId: string, who: string) {
    const body = registration(patientId, who);
    const ip = someIp();
    const r = await portal.client(ip).post('/api/patients', body);
    expect(r.status, r.body).toBe(201);
    const c = portal.client(ip);
    expect((await c.login(body.email, PASSWORD)).status).toBe(200);
    return { client: c, reply: r, email: body.email, number: patientId };
  }

  it('refuses the squatting attack: documents wait for the real owner of the number', async () => {
    const victimNumber = nextMobile();
    // The squatter registers first with the victim's mobile number, and gets a 201 like anyone.
    const squatter = await register(victimNumber, 'squatter');
    expect(squatter.reply.json()).toMatchObject({ idProven: false, patientIdKind: 'mobile' });

    // A doctor issues "HIV test result" to the number: no account has proven it, so it is held and
    // the patient invited (by SMS to the number, where the squatter cannot read it).
    const issued = await portal.issue(
      doctor,
      victimNumber,
      {},
      { title: 'HIV test result', docType: 'report' },
    );
    expect(issued.status, issued.body).toBe(201);
    expect(issued.json()).toMatchObject({ patient: 'invited' });
    const docId = issued.json<{ id: string }>().id;
    await waitUntil(() => portal.sms.to(victimNumber).some((m) => /document/.test(m.text)), 'the invitation');
    expect(portal.sms.to(victimNumber).every((m) => !m.text.includes('HIV'))).toBe(true);

    // The squatter sees nothing of it and cannot guess the code (5 tries, then the code is dead).
    expect((await squatter.client.get('/api/documents')).json()).toEqual([]);
    expect((await squatter.client.get(`/api/documents/${docId}`)).status).toBe(404);
    expect((await squatter.client.get(`/api/documents/${docId}/content`)).status).toBe(404);
    const realCode = await portal.sms.codeFor(victimNumber);
    const wrong = realCode === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await squatter.client.post('/api/me/patient-id/verify', { code: wrong });
      expect(r.status).toBe(400);
      expect(r.json()).toMatchObject({ error: { code: 'CODE_INVALID', field: 'code' } });
    }
    // Even the right code (read off the victim's phone) no longer works for that account: used up.
    const late = await squatter.client.post('/api/me/patient-id/verify', { code: realCode });
    expect(late.json()).toMatchObject({ error: { code: 'CODE_INVALID' } });

    // The real owner registers with the same number: 201, not the 409 of the attack report.
    const codesBefore = portal.sms.to(victimNumber).filter((m) => /code is/.test(m.text)).length;
    const owner = await register(victimNumber, 'owner');
    expect(owner.reply.json()).toMatchObject({ idProven: false });
    const code = await portal.sms.codeFor(victimNumber, codesBefore);
    const proven = await owner.client.post('/api/me/patient-id/verify', { code });
    expect(proven.status, proven.body).toBe(200);
    expect(proven.json()).toEqual({ idProven: true, released: 1 });

    const mine = (await owner.client.get('/api/documents')).json<{ id: string; title: string }[]>();
    expect(mine.map((d) => d.id)).toEqual([docId]);
    expect((await owner.client.get(`/api/documents/${docId}/content`)).status).toBe(200);
    expect((await owner.client.get('/api/me')).json()).toMatchObject({ patient: { idProven: true } });
    // The squatter still sees nothing, and a code sent now goes to the owner's phone, not theirs.
    expect((await squatter.client.get('/api/documents')).json()).toEqual([]);
    expect((await squatter.client.post('/api/me/patient-id/code')).status).toBe(204);
    const squatterCode = await portal.sms.codeFor(victimNumber, codesBefore + 1);
    const taken = await squatter.client.post('/api/me/patient-id/verify', { code: squatterCode });
    expect(taken.status).toBe(409);
    expect(taken.json()).toMatchObject({ error: { code: 'PATIENT_ID_TAKEN' } });

    // The owner's access log tells how the id was proven; issued documents now go straight to them.
    const log = (await owner.client.get('/api/audit')).json<{ action: string; details: object }[]>();
    expect(log.find((e) => e.action === 'identity.proven')?.details).toMatchObject({
      via: 'code',
      released: 1,
    });
    expect(log.some((e) => e.action === 'document.issued')).toBe(true);
    const next = await portal.issue(doctor, victimNumber);
    expect(next.json()).toMatchObject({ patient: 'account' });
  });

  it('registration gives no signal whether an id exists, is claimed or is proven', async () => {
    const proven = await portal.patient('Proven Patient');
    const claimedNumber = nextAadhaar();
    await register(claimedNumber, 'claimer');
    const answers = [];
    for (const id of [nextAadhaar(), claimedNumber, proven.patientNumber]) {
      const r = await portal
        .client(someIp())
        .post('/api/patients', { ...registration(id, 'probe'), name: 'Probe' });
      answers.push({ status: r.status, body: r.json<Record<string, unknown>>() });
    }
    // Same status, same fields, same values but for what the caller typed (their email, id) and the new id.
    const shape = answers.map((a) => ({
      status: a.status,
      keys: Object.keys(a.body).sort(),
      name: a.body.name,
      idProven: a.body.idProven,
      patientIdKind: a.body.patientIdKind,
    }));
    expect(shape[1]).toEqual(shape[0]);
    expect(shape[2]).toEqual(shape[0]);
    expect(shape[0]).toMatchObject({ status: 201, idProven: false });
    // And each registration sent its code to the id itself: the same work for a new and a known id.
    for (const id of [claimedNumber, proven.patientNumber])
      expect(await portal.sms.codeFor(id)).toMatch(/^\d{6}$/);
    // A doctor typing a number learns nothing either: unknown and merely claimed both read "invited".
    expect((await portal.issue(doctor, nextAadhaar())).json()).toMatchObject({ patient: 'invited' });
    expect((await portal.issue(doctor, claimedNumber)).json()).toMatchObject({ patient: 'invited' });
  });

  it('a doctor confirms the identity in person at the request step, and the audit row says so', async () => {
    const patientNumber = nextAadhaar();
    const p = await register(patientNumber, 'walkin');
    const doctorId = (await doctor.get('/api/me')).json<{ user: { id: string } }>().user.id;
    const req = await p.client.post('/api/requests', { doctorId, docType: 'certificate', note: 'fitness' });
    expect(req.status, req.body).toBe(201);
    const requestId = req.json<{ id: string }>().id;
    const queue = (await doctor.get('/api/requests')).json<{ id: string; patientIdProven: boolean }[]>();
    expect(queue.find((r) => r.id === requestId)).toMatchObject({ patientIdProven: false });

    const held = await portal.issue(doctor, '', {}, { requestId, patientId: '' });
    expect(held.status, held.body).toBe(201);
    expect(held.json()).toMatchObject({ patient: 'invited' });
    expect((await p.client.get('/api/documents')).json()).toEqual([]);

    const other = await portal.doctor(admin, 'Dr Other');
    expect((await other.post(`/api/requests/${requestId}/confirm-identity`)).status).toBe(404);
    const confirmed = await doctor.post(`/api/requests/${requestId}/confirm-identity`);
    expect(confirmed.status, confirmed.body).toBe(200);
    expect(confirmed.json()).toEqual({ idProven: true, released: 1 });
    expect((await p.client.get('/api/documents')).json<unknown[]>()).toHaveLength(1);
    const log = (await p.client.get('/api/audit')).json<
      { action: string; actor: { id: string }; details: object }[]
    >();
    const row = log.find((e) => e.action === 'identity.proven');
    expect(row?.details).toMatchObject({ via: 'in-person', requestId, released: 1 });
    expect(row?.actor.id).toBe(doctorId);
  });

  it('resets a password by an emailed one-time link that expires; signs out everywhere', async () => {
    const p = await portal.patient('Reset Patient');
    const address = p.user!.email;
    const second = portal.client();
    await second.login(address, PASSWORD);

    const unknown = await portal.client().post('/api/auth/reset', { email: email('nobody') });
    const known = await portal.client().post('/api/auth/reset', { email: address });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.json()).toEqual(known.json());
    await smtp.waitFor((m) => m.some((x) => x.to.includes(address)), 'the reset mail');
    const mail = smtp.to(address).find((m) => /reset/i.test(m.subject))!;
    const token = /\/reset#([A-Za-z0-9_-]{40,})/.exec(mail.text)?.[1];
    expect(token, mail.text).toBeDefined();

    const newPassword = 'a brand new passphrase 42';
    expect((await portal.client().post('/api/auth/reset/complete', { token, newPassword })).status).toBe(204);
    // Every session ended; the old password is gone; the link works once.
    expect((await p.get('/api/me')).status).toBe(401);
    expect((await second.get('/api/me')).status).toBe(401);
    expect((await portal.client().login(address, PASSWORD)).status).toBe(401);
    const again = await portal
      .client()
      .post('/api/auth/reset/complete', { token, newPassword: 'yet another passphrase 7' });
    expect(again.json()).toMatchObject({ error: { code: 'RESET_LINK_INVALID' } });

    // A link past its 30 minutes is refused (its expiry moved into the past, as time would).
    await portal.client().post('/api/auth/reset', { email: address });
    await smtp.waitFor((m) => m.filter((x) => x.to.includes(address)).length >= 2, 'the second reset mail');
    const token2 = /\/reset#([A-Za-z0-9_-]{40,})/.exec(smtp.to(address)[1]!.text)![1];
    await portal.system.db.kysely
      .updateTable('password_resets')
      .set({ expires_at: Date.now() - 1 })
      .execute();
    const expired = await portal
      .client()
      .post('/api/auth/reset/complete', { token: token2, newPassword: 'expired link passphrase 9' });
    expect(expired.json()).toMatchObject({ error: { code: 'RESET_LINK_INVALID' } });

    // Sign-out everywhere ends this session and the other one.
    const a = portal.client();
    const b = portal.client();
    await a.login(address, newPassword);
    await b.login(address, newPassword);
    expect((await a.post('/api/auth/logout-everywhere')).status).toBe(204);
    expect((await a.get('/api/me')).status).toBe(401);
    expect((await b.get('/api/me')).status).toBe(401);
    // Each audited (the admin's log: these events are about the account, not a patient's records).
    const actions = (await admin.get('/api/audit?limit=500'))
      .json<{ action: string; actor: { id: string } }[]>()
      .filter((e) => e.actor.id === p.user!.id)
      .map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'auth.password-reset-requested',
        'auth.password-reset',
        'auth.logout-everywhere',
      ]),
    );
  });

  it('loses no notification while the mail server is down, sends each once, links only, by preference', async () => {
    const p = await portal.patient('Notified Patient');
    const address = p.user!.email;
    const doctorMe = (await doctor.get('/api/me')).json<{ user: { id: string; email: string } }>().user;
    const before = smtp.received.length;
    const since = Date.now();
    await smtp.stop();

    // While it is down: a request (the doctor hears), a document (ready), a share link used, a
    // revocation and a supersession.
    expect(
      (await p.post('/api/requests', { doctorId: doctorMe.id, docType: 'report', note: '' })).status,
    ).toBe(201);
    const d1 = (
      await portal.issue(doctor, p.patientNumber, {}, { title: 'Biopsy result', docType: 'report' })
    ).json<{ id: string }>();
    const d2 = (
      await portal.issue(doctor, p.patientNumber, {}, { title: 'Biopsy result', docType: 'report' })
    ).json<{ id: string }>();
    const share = (await p.post(`/api/documents/${d1.id}/shares`, { expiresInHours: 1 })).json<{
      token: string;
    }>();
    expect((await portal.client().get(`/api/shares/${share.token}`)).status).toBe(200);
    // Opened again soon after (a verifier reloading the page): no second mail (seven rows below).
    expect((await portal.client().get(`/api/shares/${share.token}`)).status).toBe(200);
    expect((await portal.client().get(`/api/shares/${share.token}`)).status).toBe(200);
    // d1 replaces d2 (a superseded document names its successor), then d1 itself is withdrawn.
    expect(
      (await doctor.post(`/api/documents/${d2.id}/revoke`, { reason: 'superseded', supersededBy: d1.id }))
        .status,
    ).toBe(200);
    expect((await doctor.post(`/api/documents/${d1.id}/revoke`, { reason: 'issued-in-error' })).status).toBe(
      200,
    );
    // A reset link asked for meanwhile, and a code while the SMS provider is down too.
    expect((await portal.client().post('/api/auth/reset', { email: address })).status).toBe(202);
    const unproven = await register(nextMobile(), 'offline');
    portal.sms.down = true;
    const smsBefore = portal.sms.sent.length;
    expect((await unproven.client.post('/api/me/patient-id/code')).status).toBe(204);

    const outbox = () =>
      portal.system.db.kysely
        .selectFrom('notifications')
        .select(['id', 'kind', 'status', 'attempts', 'last_error', 'user_id'])
        .where('channel', '=', 'email')
        .where('user_id', 'in', [p.user!.id, doctorMe.id])
        .where('created_at', '>=', since)
        .execute();
    // Each was tried and failed, and waits: nothing is dropped.
    await waitUntil(
      async () => {
        const rows = await outbox();
        return (
          rows.length === 7 &&
          rows.every((r) => r.attempts >= 1 && r.last_error !== null && r.status !== 'sent')
        );
      },
      'every message to have failed once',
      30_000,
      async () => JSON.stringify(await outbox()),
    );
    expect(smtp.received.length).toBe(before);

    const smsRows = () =>
      portal.system.db.kysely
        .selectFrom('notifications')
        .select(['status', 'attempts'])
        .where('user_id', '=', unproven.client.user!.id)
        .where('created_at', '>=', since)
        .execute();
    await waitUntil(
      async () => (await smsRows()).every((r) => r.attempts >= 1),
      'the code to have failed once',
    );
    expect(portal.sms.sent.length).toBe(smsBefore);

    await smtp.start();
    portal.sms.down = false;
    await waitUntil(async () => (await outbox()).every((r) => r.status === 'sent'), 'the outbox to drain');
    await waitUntil(async () => (await smsRows()).every((r) => r.status === 'sent'), 'the code to be sent');
    // The code sent after the outage is the one that proves the id.
    const code = await portal.sms.codeFor(unproven.number, 1);
    expect((await unproven.client.post('/api/me/patient-id/verify', { code })).status).toBe(200);
    const mine = smtp.received
      .slice(before)
      .filter((m) => m.to.includes(address) || m.to.includes(doctorMe.email));
    expect(mine.map((m) => m.subject).sort()).toEqual(
      [
        'A document was replaced',
        'A document was revoked',
        'A new document is ready',
        'A new document is ready',
        'A new document request',
        'Reset your medproof password',
        'Your share link was used',
      ].sort(),
    );
    // Once each: one mail per outbox row, by its Message-ID.
    const ids = (await outbox()).map((r) => `<${r.id}@medproof>`).sort();
    expect(mine.map((m) => m.messageId).sort()).toEqual(ids);
    // No medical content: no title, no type, no doctor; a link to sign in.
    for (const m of mine) {
      expect(m.text).not.toMatch(/biopsy|report|Mehta/i);
      expect(m.text).toContain(portal.system.config.publicUrl);
    }

    // Preferences: share-link mails turned off stay off; the rest still go.
    const prefs = await p.req('PUT', '/api/me/notifications', { json: { 'share.used': false } });
    expect(prefs.status, prefs.body).toBe(200);
    expect(prefs.json()).toMatchObject({ 'share.used': false, 'document.ready': true });
    const d3 = (await portal.issue(doctor, p.patientNumber)).json<{ id: string }>();
    const s3 = (await p.post(`/api/documents/${d3.id}/shares`, { expiresInHours: 1 })).json<{
      token: string;
    }>();
    expect((await portal.client().get(`/api/shares/${s3.token}`)).status).toBe(200);
    await smtp.waitFor(
      (m) => m.filter((x) => x.to.includes(address) && x.subject === 'A new document is ready').length === 3,
      'the third ready mail',
    );
    const kinds = (await outbox()).filter((r) => r.user_id === p.user!.id).map((r) => r.kind);
    expect(kinds.filter((k) => k === 'share.used')).toHaveLength(1);
  });
});

async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 30_000,
  state?: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${state ? `: ${await state()}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
