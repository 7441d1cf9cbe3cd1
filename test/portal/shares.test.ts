import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/createLogger.js';
import { DB_KINDS } from '../helpers/databases.js';
import { startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';

describe.each(DB_KINDS)('share links on %s', (db) => {
  let portal: TestPortal;
  let owner: Client & { patientNumber: string };
  let issuer: Client;
  let named: Client;
  let stranger: Client;
  let docId: string;
  let logs = '';

  beforeAll(async () => {
    // Everything the server logs, at debug level, to check that no share token ever reaches a log line.
    const sink = new PassThrough();
    sink.on('data', (b: Buffer) => (logs += b.toString()));
    portal = await startTestPortal({ db, log: createLogger('debug', sink) });
    const admin = await portal.admin();
    issuer = await portal.doctor(admin, 'Dr Issuer');
    named = await portal.doctor(admin, 'Dr Named');
    stranger = await portal.doctor(admin, 'Dr Stranger');
    owner = await portal.patient('Owner');
    docId = (await portal.issue(issuer, owner.user!.id)).json<{ id: string }>().id;
    await portal.waitAnchored(owner, docId);
  }, 120_000);
  afterAll(() => portal?.stop());

  const share = async (body: Record<string, unknown> = {}) => {
    const r = await owner.post(`/api/documents/${docId}/shares`, { expiresInHours: 1, ...body });
    expect(r.status, r.body).toBe(201);
    return r.json<{ id: string; token: string; url: string }>();
  };

  it('an expired link answers 410 SHARE_EXPIRED for the view, the file and the receipt', async () => {
    const s = await share();
    expect((await portal.client().get(`/api/shares/${s.token}`)).status).toBe(200);
    await portal.system.db.kysely
      .updateTable('shares')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', s.id)
      .execute();
    for (const path of ['', '/content', '/receipt']) {
      const r = await portal.client().get(`/api/shares/${s.token}${path}`);
      expect(r.status, path).toBe(410);
      expect(r.json()).toMatchObject({ error: { code: 'SHARE_EXPIRED' } });
    }
  });

  it('a revoked link is 404 at once, even in an open session of the named doctor', async () => {
    const s = await share({ recipientDoctorId: named.user!.id });
    expect((await named.get(`/api/shares/${s.token}`)).status).toBe(200);
    expect((await named.get(`/api/documents/${docId}`)).status).toBe(200);
    expect((await owner.req('DELETE', `/api/shares/${s.id}`)).status).toBe(204);
    expect((await named.get(`/api/shares/${s.token}`)).status).toBe(404);
    expect((await named.get(`/api/documents/${docId}`)).status).toBe(404);
  });

  it('a forged or mangled token is 401; an unknown well-formed one 404', async () => {
    const s = await share();
    const flipped = `${s.token.slice(0, 30)}${s.token[30] === 'A' ? 'B' : 'A'}${s.token.slice(31)}`;
    for (const bad of [flipped, 'not-a-token', 'A'.repeat(64)]) {
      const r = await portal.client().get(`/api/shares/${bad}`);
      expect(r.status, bad).toBe(401);
      expect(r.json()).toMatchObject({ error: { code: 'SHARE_TOKEN_INVALID' } });
    }
    await portal.system.db.kysely.deleteFrom('shares').where('id', '=', s.id).execute();
    expect((await portal.client().get(`/api/shares/${s.token}`)).status).toBe(404);
  });

  it('a link limited to 2 views serves the file twice, then 410 SHARE_USED_UP', async () => {
    const s = await share({ maxViews: 2 });
    const anon = portal.client();
    expect((await anon.get(`/api/shares/${s.token}/content`)).status).toBe(200);
    expect((await anon.get(`/api/shares/${s.token}/content`)).status).toBe(200);
    const third = await anon.get(`/api/shares/${s.token}/content`);
    expect(third.status).toBe(410);
    expect(third.json()).toMatchObject({ error: { code: 'SHARE_USED_UP' } });
    const list = (await owner.get(`/api/documents/${docId}/shares`)).json<
      { id: string; views: number; active: boolean }[]
    >();
    expect(list.find((x) => x.id === s.id)).toMatchObject({ views: 2, active: false });
  });

  it('a link naming a doctor works only for that doctor: others 404, no session 401', async () => {
    const s = await share({ recipientDoctorId: named.user!.id });
    expect((await portal.client().get(`/api/shares/${s.token}`)).status).toBe(401);
    expect((await stranger.get(`/api/shares/${s.token}`)).status).toBe(404);
    expect((await named.get(`/api/shares/${s.token}`)).status).toBe(200);
  });

  it('only the owner manages links; shares send no referrer', async () => {
    const s = await share();
    const other = await portal.patient('Other');
    expect((await other.req('DELETE', `/api/shares/${s.id}`)).status).toBe(404);
    const view = await portal.client().get(`/api/shares/${s.token}`);
    expect(view.headers['referrer-policy']).toBe('no-referrer');
    expect(view.headers['cache-control']).toBe('no-store');
  });

  it('every use, allowed or refused, is in the owner’s access log', async () => {
    const events = (await owner.get('/api/audit?limit=500')).json<
      { action: string; outcome: string; details: { reason?: string } }[]
    >();
    const uses = events.filter((e) => e.action === 'share.used');
    expect(uses.some((e) => e.outcome === 'success')).toBe(true);
    expect(uses.map((e) => e.details.reason).filter(Boolean)).toEqual(
      expect.arrayContaining(['expired', 'revoked', 'used-up', 'not-the-recipient']),
    );
  });

  it('no share token ever appears in the logs', async () => {
    const tokens = (await owner.get(`/api/documents/${docId}/shares`))
      .json<{ url: string }[]>()
      .map((s) => s.url.split('/').pop()!);
    expect(tokens.length).toBeGreaterThan(3);
    expect(logs).toContain('/api/shares/[token]');
    for (const t of tokens) expect(logs).not.toContain(t);
  });
});
