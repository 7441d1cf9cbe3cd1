import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/databases.js';
import { startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';

type Actor = 'anonymous' | 'admin' | 'owner' | 'otherPatient' | 'issuer' | 'otherDoctor' | 'sharedDoctor';

describe.each(DB_KINDS)('authorization matrix on %s', (db) => {
  let portal: TestPortal;
  const as: Partial<Record<Actor, Client>> = {};
  let docId: string;
  let revocableId: string;
  let shareId: string;
  let requestId: string;

  beforeAll(async () => {
    portal = await startTestPortal({ db });
    const admin = await portal.admin();
    as.admin = admin;
    as.anonymous = portal.client();
    as.issuer = await portal.doctor(admin, 'Dr Issuer');
    as.otherDoctor = await portal.doctor(admin, 'Dr Other');
    as.sharedDoctor = await portal.doctor(admin, 'Dr Shared');
    const owner = await portal.patient('Owner');
    as.owner = owner;
    as.otherPatient = await portal.patient('Other');
    docId = (await portal.issue(as.issuer, owner.user!.id)).json<{ id: string }>().id;
    revocableId = (await portal.issue(as.issuer, owner.patientNumber)).json<{ id: string }>().id;
    await portal.waitAnchored(owner, docId);
    const share = await owner.post(`/api/documents/${docId}/shares`, {
      expiresInHours: 2,
      recipientDoctorId: as.sharedDoctor.user!.id,
    });
    shareId = share.json<{ id: string }>().id;
    const doctors = (await owner.get('/api/doctors')).json<{ id: string; name: string }[]>();
    requestId = (
      await owner.post('/api/requests', {
        doctorId: doctors.find((d) => d.name === 'Dr Issuer')!.id,
        docType: 'report',
        note: '',
      })
    ).json<{ id: string }>().id;
  }, 120_000);
  afterAll(() => portal?.stop());

  const routes: {
    name: string;
    call: (c: Client) => Promise<{ status: number }>;
    expect: Record<Actor, number>;
  }[] = [
    {
      name: 'GET /api/documents/:id',
      call: (c) => c.get(`/api/documents/${docId}`),
      expect: {
        anonymous: 401,
        admin: 403,
        owner: 200,
        otherPatient: 404,
        issuer: 200,
        otherDoctor: 404,
        sharedDoctor: 200,
      },
    },
    {
      name: 'GET /api/documents/:id/content',
      call: (c) => c.get(`/api/documents/${docId}/content`),
      expect: {
        anonymous: 401,
        admin: 403,
        owner: 200,
        otherPatient: 404,
        issuer: 200,
        otherDoctor: 404,
        sharedDoctor: 200,
      },
    },
    {
      name: 'GET /api/documents/:id/receipt',
      call: (c) => c.get(`/api/documents/${docId}/receipt`),
      expect: {
        anonymous: 401,
        admin: 403,
        owner: 200,
        otherPatient: 404,
        issuer: 200,
        otherDoctor: 404,
        sharedDoctor: 200,
      },
    },
    {
      name: 'GET /api/documents/:id/shares',
      call: (c) => c.get(`/api/documents/${docId}/shares`),
      expect: {
        anonymous: 401,
        admin: 403,
        owner: 200,
        otherPatient: 404,
        issuer: 403,
        otherDoctor: 403,
        sharedDoctor: 403,
      },
    },
    {
      name: 'POST /api/documents/:id/shares',
      call: (c) => c.post(`/api/documents/${docId}/shares`, { expiresInHours: 1 }),
      expect: {
        anonymous: 401,
        admin: 403,
        owner: 201,
        otherPatient: 404,
        issuer: 403,
        otherDoctor: 403,
        sharedDoctor: 403,
      },
    },
    {
      name: 'GET /api/shares/:id/qr.png',
      call: (c) => c.get(`/api/shares/${shareId}/qr.png`),
      expect: {
        anonymous: 401,
        admin: 403,
        owner: 200,
        otherPatient: 404,
        issuer: 403,
        otherDoctor: 403,
        sharedDoctor: 403,
      },
    },
    {
      name: 'POST /api/requests/:id/reject (a request to the issuer)',
      call: (c) => c.post(`/api/requests/${requestId}/reject`, { reason: 'no' }),
      expect: {
        anonymous: 401,
        admin: 403,
        owner: 403,
        otherPatient: 403,
        issuer: 200,
        otherDoctor: 404,
        sharedDoctor: 404,
      },
    },
    {
      name: 'POST /api/documents/:id/revoke',
      call: (c) => c.post(`/api/documents/${revocableId}/revoke`, { reason: 2 }),
      expect: {
        anonymous: 401,
        admin: 403,
        owner: 403,
        otherPatient: 403,
        issuer: 200,
        otherDoctor: 404,
        sharedDoctor: 404,
      },
    },
    {
      name: 'GET /api/users',
      call: (c) => c.get('/api/users'),
      expect: {
        anonymous: 401,
        admin: 200,
        owner: 403,
        otherPatient: 403,
        issuer: 403,
        otherDoctor: 403,
        sharedDoctor: 403,
      },
    },
    {
      name: 'GET /api/admin/status',
      call: (c) => c.get('/api/admin/status'),
      expect: {
        anonymous: 401,
        admin: 200,
        owner: 403,
        otherPatient: 403,
        issuer: 403,
        otherDoctor: 403,
        sharedDoctor: 403,
      },
    },
  ];

  // The issuer's revocation must come last in its row: run every other actor first.
  const order: Actor[] = [
    'anonymous',
    'admin',
    'owner',
    'otherPatient',
    'otherDoctor',
    'sharedDoctor',
    'issuer',
  ];

  it.each(routes.map((r) => [r.name, r] as const))(
    '%s answers each actor as expected',
    async (_name, route) => {
      const got: Partial<Record<Actor, number>> = {};
      for (const actor of order) got[actor] = (await route.call(as[actor]!)).status;
      expect(got).toEqual(route.expect);
    },
  );

  it('another user’s document looks exactly like one that does not exist', async () => {
    const theirs = await as.otherPatient!.get(`/api/documents/${docId}`);
    const none = await as.otherPatient!.get(`/api/documents/${randomUUID()}`);
    expect(theirs.status).toBe(404);
    expect(theirs.body).toBe(none.body);
    expect((await as.otherDoctor!.get('/api/documents')).json()).toEqual([]);
    expect((await as.otherPatient!.get('/api/documents')).json()).toEqual([]);
  });

  it('lists only what each may see: the shared doctor sees the shared document, marked as shared', async () => {
    const shared = (await as.sharedDoctor!.get('/api/documents')).json<
      { id: string; sharedWithMe: boolean }[]
    >();
    expect(shared).toEqual([expect.objectContaining({ id: docId, sharedWithMe: true })]);
    expect(
      (await as.issuer!.get('/api/documents'))
        .json<{ id: string }[]>()
        .map((d) => d.id)
        .sort(),
    ).toEqual([docId, revocableId].sort());
  });

  it('a malformed id is 400, not a crash', async () => {
    const r = await as.owner!.get('/api/documents/not-a-uuid');
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'id' } });
  });

  it('ignores identities a client tries to set: owner, issuer, patient and status come from the session', async () => {
    const owner = as.owner!;
    const doctors = (await owner.get('/api/doctors')).json<{ id: string; name: string }[]>();
    const r = await owner.post('/api/requests', {
      doctorId: doctors[0]!.id,
      docType: 'report',
      note: 'x',
      patientId: as.otherPatient!.user!.id,
      status: 'issued',
      ownerId: 'me',
    });
    expect(r.status).toBe(201);
    expect(r.json()).toMatchObject({ patientId: owner.user!.id, status: 'open' });
    const issued = await portal.issue(
      as.issuer!,
      owner.user!.id,
      {},
      { issuerId: as.otherDoctor!.user!.id, status: 'anchored' },
    );
    expect(issued.status).toBe(201);
    const doc = (await owner.get(`/api/documents/${issued.json<{ id: string }>().id}`)).json();
    expect(doc).toMatchObject({ issuer: { id: as.issuer!.user!.id }, status: 'pending' });
  });

  it('every denial by role is in the audit log', async () => {
    const events = (await as.admin!.get('/api/audit?limit=500')).json<
      { action: string; outcome: string; actor: { id: string | null } }[]
    >();
    expect(
      events.some(
        (e) =>
          e.action === 'authz.denied' && e.outcome === 'denied' && e.actor.id === as.otherDoctor!.user!.id,
      ),
    ).toBe(true);
  });
});
