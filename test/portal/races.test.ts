import { statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/databases.js';
import { PASSWORD, multipart, startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';

/**
 * The defects the structure work fixed, each as it was found: state changes that two requests could
 * both win, limits one path skipped, gaps in the audit log. Run on both databases.
 */
describe.each(DB_KINDS)('guarded state changes and audit on %s', (db) => {
  let portal: TestPortal;
  let admin: Client;
  let issuer: Client;
  let named: Client;
  let owner: Client & { patientNumber: string };
  let docId: string;

  beforeAll(async () => {
    portal = await startTestPortal({ db, config: { uploadTimeoutSeconds: 2 } });
    admin = await portal.admin();
    issuer = await portal.doctor(admin, 'Dr Issuer');
    named = await portal.doctor(admin, 'Dr Named');
    owner = await portal.patient('Owner');
    docId = (await portal.issue(issuer, owner.user!.id)).json<{ id: string }>().id;
    await portal.waitAnchored(owner, docId);
  }, 120_000);
  afterAll(() => portal?.stop());

  const share = async (body: Record<string, unknown>) => {
    const r = await owner.post(`/api/documents/${docId}/shares`, { expiresInHours: 1, ...body });
    expect(r.status, r.body).toBe(201);
    return r.json<{ id: string; token: string }>();
  };
  const auditActions = async (
    filter: (e: { action: string; outcome: string; details: Record<string, unknown> }) => boolean,
  ) => {
    const r = await admin.get('/api/audit?limit=500');
    return r.json<{ action: string; outcome: string; details: Record<string, unknown> }[]>().filter(filter);
  };

  it('a link limited to 1 view serves the file exactly once to 50 concurrent requests', async () => {
    const s = await share({ maxViews: 1 });
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => portal.client().get(`/api/shares/${s.token}/content`)),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.filter((x) => x === 410)).toHaveLength(49);
  });

  it('a used-up link answers 410 on its view and receipt too; HEAD does not use a view', async () => {
    const s = await share({ maxViews: 1 });
    const head = await portal.client().req('HEAD', `/api/shares/${s.token}/content`);
    expect(head.status).toBe(200);
    expect((await portal.client().get(`/api/shares/${s.token}/content`)).status).toBe(200);
    for (const path of ['', '/content', '/receipt']) {
      const r = await portal.client().get(`/api/shares/${s.token}${path}`);
      expect(r.status, path).toBe(410);
      expect(r.json()).toMatchObject({ error: { code: 'SHARE_USED_UP' } });
    }
  });

  it('a named-doctor share’s view limit holds on the documents route as well', async () => {
    const s = await share({ maxViews: 2, recipientDoctorId: named.user!.id });
    expect((await named.get(`/api/documents/${docId}/content`)).status).toBe(200);
    expect((await named.get(`/api/shares/${s.token}/content`)).status).toBe(200);
    // Both views used, by either path: neither serves the file again, and the list no longer shows it.
    expect((await named.get(`/api/documents/${docId}/content`)).status).toBe(404);
    expect((await named.get(`/api/shares/${s.token}/content`)).status).toBe(410);
    const list = (await named.get('/api/documents')).json<{ id: string }[]>();
    expect(list.map((d) => d.id)).not.toContain(docId);
  });

  it('two concurrent issues against one request: exactly one wins, the other is REQUEST_CLOSED', async () => {
    const req = await owner.post('/api/requests', {
      doctorId: issuer.user!.id,
      docType: 'certificate',
      note: '',
    });
    expect(req.status).toBe(201);
    const requestId = req.json<{ id: string }>().id;
    const replies = await Promise.all(
      [1, 2, 3].map(() => portal.issue(issuer, '', {}, { requestId, patientId: '' })),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses, replies.map((r) => r.body).join('\n')).toEqual([201, 400, 400]);
    expect(replies.find((r) => r.status === 400)!.json()).toMatchObject({
      error: { code: 'REQUEST_CLOSED' },
    });
  });

  it('60 concurrent wrong guesses on one account, from 60 addresses: only the first few are checked', async () => {
    const p = await portal.patient('Target');
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        portal
          .client(`203.0.113.${i + 1}`)
          .post('/api/auth/login', { email: p.user!.email, password: `guess ${i}` }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    // 5 attempts, then one a second: a sixth may slip in if the burst outlasts that second.
    const checked = statuses.filter((s) => s === 401).length;
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(checked).toBeLessThanOrEqual(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(60 - checked);
    expect(replies.find((r) => r.status === 429)!.json()).toMatchObject({
      error: { code: 'LOGIN_THROTTLED' },
    });
  });

  it('five failures from many addresses slow the account down, but the owner gets in after Retry-After', async () => {
    const p = await portal.patient('Owner Two');
    for (let i = 0; i < 5; i++)
      expect(
        (
          await portal
            .client(`198.51.100.${i + 1}`)
            .post('/api/auth/login', { email: p.user!.email, password: `x${i}` })
        ).status,
      ).toBe(401);
    const home = portal.client('192.0.2.200');
    const early = await home.login(p.user!.email, PASSWORD);
    expect(early.status).toBe(429);
    const wait = Number(early.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    await new Promise((r) => setTimeout(r, wait * 1000 + 100));
    expect((await home.login(p.user!.email, PASSWORD)).status).toBe(200);
  });

  it('a wrong current password is audited, and password changes are throttled', async () => {
    const p = await portal.patient('Changer');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push(
        (
          await p.post('/api/me/password', {
            currentPassword: `wrong ${i}`,
            newPassword: 'a much better passphrase',
          })
        ).status,
      );
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]); // WRONG_CURRENT_PASSWORD
    expect(statuses.slice(5)).toEqual([429, 429]);
    const rows = await auditActions((e) => e.action === 'auth.password-changed' && e.outcome === 'failure');
    expect(rows.length).toBeGreaterThanOrEqual(5);
  });

  it('malformed multipart bodies are 400 and store nothing; two files are 400', async () => {
    const before = await portal.system.db.kysely.selectFrom('documents').select('id').execute();
    const good = multipart({ patientId: owner.user!.id, docType: 'report', title: 'T' }, [
      { filename: 'a.pdf', contentType: 'application/pdf', data: '%PDF-1.4\nhello\n%%EOF' },
    ]);
    const boundary = good.headers['content-type']!.split('boundary=')[1]!;
    const cases: { name: string; headers: Record<string, string>; payload: Buffer }[] = [
      { name: 'no boundary', headers: { 'content-type': 'multipart/form-data' }, payload: good.payload },
      {
        name: 'wrong boundary',
        headers: { 'content-type': 'multipart/form-data; boundary=nope' },
        payload: good.payload,
      },
      {
        name: 'truncated',
        headers: good.headers,
        payload: good.payload.subarray(0, good.payload.length - boundary.length - 10),
      },
    ];
    for (const c of cases) {
      const r = await issuer.req('POST', '/api/documents', {
        multipart: { payload: c.payload, headers: c.headers },
      });
      expect(r.status, `${c.name}: ${r.body}`).toBe(400);
      expect(r.json<{ error: { code: string } }>().error.code, c.name).toMatch(
        /^(MALFORMED_UPLOAD|VALIDATION_FAILED)$/,
      );
    }
    const two = multipart({ patientId: owner.user!.id, docType: 'report', title: 'T' }, [
      { filename: 'a.pdf', contentType: 'application/pdf', data: '%PDF-1.4\none\n%%EOF' },
      { filename: 'b.pdf', contentType: 'application/pdf', data: '%PDF-1.4\ntwo\n%%EOF' },
    ]);
    const r = await issuer.req('POST', '/api/documents', { multipart: two });
    expect(r.status, r.body).toBe(400);
    const after = await portal.system.db.kysely.selectFrom('documents').select('id').execute();
    expect(after.length).toBe(before.length);
    expect(readdirSync(join(portal.dataDir, 'blobs', 'tmp'))).toEqual([]);
  });

  it('a slow upload is cut off (408) and leaves nothing behind', async () => {
    const body = multipart({ patientId: owner.user!.id, docType: 'report', title: 'Slow' }, [
      { filename: 'slow.pdf', contentType: 'application/pdf', data: `%PDF-1.4\n${'x'.repeat(4000)}\n%%EOF` },
    ]);
    const url = new URL(portal.system.url);
    const started = Date.now();
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(url.port), url.hostname);
      let got = '';
      let sent = 0;
      socket.on('data', (b) => (got += b.toString()));
      socket.on('close', () => {
        clearInterval(timer);
        resolve(got);
      });
      socket.write(
        [
          'POST /api/documents HTTP/1.1',
          `Host: ${url.host}`,
          `Cookie: ${issuer.cookie!}`,
          `x-csrf-token: ${issuer.csrf!}`,
          `Content-Type: ${body.headers['content-type']!}`,
          `Content-Length: ${body.payload.length}`,
          '',
          '',
        ].join('\r\n'),
      );
      // A byte every 100 ms: it would take minutes to arrive.
      const timer = setInterval(() => {
        if (sent < body.payload.length) socket.write(body.payload.subarray(sent, ++sent));
        if (Date.now() - started > 20_000) socket.destroy();
      }, 100);
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    await new Promise((r) => setTimeout(r, 200));
    expect(readdirSync(join(portal.dataDir, 'blobs', 'tmp'))).toEqual([]);
    const rows = await portal.system.db.kysely
      .selectFrom('documents')
      .select('id')
      .where('title', '=', 'Slow')
      .execute();
    expect(rows).toEqual([]);
  });

  it('audits lists, receipts, share listings and QR codes, refused attempts, the admin’s user list', async () => {
    const stranger = await portal.doctor(admin, 'Dr Stranger');
    const s = await share({ recipientDoctorId: named.user!.id });
    expect((await owner.get('/api/documents')).status).toBe(200);
    expect((await owner.get(`/api/documents/${docId}/receipt`)).status).toBe(200);
    expect((await owner.get(`/api/documents/${docId}/shares`)).status).toBe(200);
    expect((await owner.get(`/api/shares/${s.id}/qr.png`)).status).toBe(200);
    expect((await stranger.get(`/api/documents/${docId}`)).status).toBe(404);
    expect((await admin.get('/api/users')).status).toBe(200);
    expect((await portal.client().get(`/api/shares/${s.token}`)).status).toBe(401);
    // The patient's own log shows what touched their records, refusals included.
    const mine = (await owner.get('/api/audit?limit=500')).json<
      { action: string; outcome: string; details: Record<string, unknown> }[]
    >();
    const has = (action: string, outcome = 'success') =>
      mine.some((e) => e.action === action && e.outcome === outcome);
    expect(has('document.listed')).toBe(true);
    expect(has('document.receipt-downloaded')).toBe(true);
    expect(has('share.listed')).toBe(true);
    expect(has('share.qr-viewed')).toBe(true);
    expect(has('document.access-denied', 'denied')).toBe(true);
    expect(
      mine.some(
        (e) => e.action === 'share.used' && e.outcome === 'denied' && e.details.reason === 'sign-in-required',
      ),
    ).toBe(true);
    expect((await auditActions((e) => e.action === 'user.listed')).length).toBeGreaterThan(0);
  });

  it.runIf(db === 'sqlite')('keeps the database file and its WAL readable by this user only', () => {
    for (const name of ['medproof.db', 'medproof.db-wal']) {
      const mode = statSync(join(portal.dataDir, name)).mode & 0o777;
      expect(mode.toString(8), name).toBe('600');
    }
  });
});
