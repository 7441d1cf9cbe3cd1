import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, PG_ADMIN_URL } from '../helpers/databases.js';
import { startFaultProxy, type FaultProxy } from '../helpers/faultProxy.js';
import { startTestPortal, type Client, type Reply, type TestPortal } from '../helpers/portal.js';

// Short bounds so a hung database is seen in seconds; the defaults are 5 s and 15 s.
const CONNECT_TIMEOUT_MS = 1000;
const QUERY_TIMEOUT_MS = 1500;
/** Far above any bound above (client-side query timeout is QUERY_TIMEOUT_MS + 1 s): "it answered", not "it was fast". */
const ANSWER_DEADLINE_MS = 20_000;

/** The request's reply, or a failure if it has not answered by the deadline (it hung). */
async function answers(request: Promise<Reply>): Promise<Reply> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer: the request hung')), ANSWER_DEADLINE_MS);
  });
  try {
    return await Promise.race([request, hung]);
  } finally {
    clearTimeout(timer);
  }
}

function expectUnavailable(r: Reply): void {
  expect(r.status, r.body).toBe(503);
  expect(r.json<{ error: { code: string } }>().error.code).toBe('DATABASE_UNAVAILABLE');
  expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
}

/** Bounded wait until `check` holds. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Ends every server backend of the portal's database, from a direct (unproxied) admin connection. */
async function terminateBackends(dbName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const r = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [dbName],
    );
    return r.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe('PostgreSQL faults between the portal and its database', () => {
  let proxy: FaultProxy;
  let database: { url: string; drop(): Promise<void> };
  let dbName: string;
  let portal: TestPortal;
  let doctor: Client;
  let patient: Client & { patientNumber: string };

  beforeAll(async () => {
    database = await createPgDatabase();
    const direct = new URL(database.url);
    dbName = direct.pathname.slice(1);
    proxy = await startFaultProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const through = new URL(database.url);
    through.hostname = proxy.host;
    through.port = String(proxy.port);
    portal = await startTestPortal({
      env: {
        MEDPROOF_DATABASE_URL: through.toString(),
        MEDPROOF_DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        MEDPROOF_DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
      },
    });
    const admin = await portal.admin();
    doctor = await portal.doctor(admin);
    patient = await portal.patient();
  });

  afterAll(async () => {
    await proxy?.forward();
    await portal?.stop();
    await proxy?.close();
    await database?.drop();
  });

  it('a connection cut in the middle of a query fails that request with 503 and Retry-After; then requests succeed again', async () => {
    expect((await patient.get('/api/documents')).status).toBe(200);
    proxy.hang();
    const pending = patient.get('/api/documents');
    // The request's query is on the wire (held by the proxy) when every connection is cut.
    await until('the query to reach the proxy', () => proxy.heldBytes > 0);
    proxy.cutAll();
    expectUnavailable(await answers(pending));
    await proxy.forward();
    // The pool's idle connections were cut too: each is dropped when the process sees its socket close,
    // so at most a request racing that notice fails; soon every request succeeds on new connections.
    await until('a request to succeed', async () => (await patient.get('/api/documents')).status === 200);
    for (let i = 0; i < 5; i++) expect((await answers(patient.get('/api/documents'))).status).toBe(200);
  });

  it('survives connections cut and backends terminated during uploads; every upload that answered 201 is anchored', async () => {
    const issued: string[] = [];
    for (let round = 0; round < 4; round++) {
      const uploads = Array.from({ length: 6 }, () => answers(portal.issue(doctor, patient.patientNumber)));
      const reads = Array.from({ length: 4 }, () => answers(patient.get('/api/documents')));
      // Let the requests get under way, then pull the database from under them two ways.
      await new Promise((r) => setTimeout(r, 5 * round));
      if (round % 2 === 0) proxy.cutAll();
      else await terminateBackends(dbName);
      for (const r of await Promise.all(uploads)) {
        if (r.status === 201) issued.push(r.json<{ id: string }>().id);
        else expectUnavailable(r);
      }
      for (const r of await Promise.all(reads)) if (r.status !== 200) expectUnavailable(r);
    }
    // The process is alive (an unheard 'error' event would have ended this worker) and serving again.
    const after = await answers(portal.issue(doctor, patient.patientNumber));
    expect(after.status, after.body).toBe(201);
    issued.push(after.json<{ id: string }>().id);
    // The anchoring engine backed off through the faults and resumed: nothing accepted is lost.
    for (const id of issued) {
      await until(
        `document ${id} anchored`,
        async () => (await patient.get(`/api/documents/${id}`)).json().status === 'anchored',
        90_000,
      );
    }
  }, 180_000);

  it('behind a hung database, requests answer 503 within the timeout and /health names the database', async () => {
    proxy.cutAll(); // no pooled connection survives: requests must open new ones, into the hang
    proxy.hang();
    try {
      expectUnavailable(await answers(patient.get('/api/documents')));
      const health = await answers(portal.client().get('/health'));
      expect(health.status).toBe(503);
      expect(health.json()).toEqual({
        status: 'degraded',
        database: 'down',
        chain: 'ok',
        storage: 'ok',
        blobStore: 'file',
        leader: true,
      });
    } finally {
      await proxy.forward();
    }
    // A connection that was open when the server hung times out on its query too.
    expect((await answers(patient.get('/api/documents'))).status).toBe(200);
    proxy.hang();
    try {
      expectUnavailable(await answers(patient.get('/api/documents')));
    } finally {
      await proxy.forward();
    }
    await until(
      'the database to answer again',
      async () => (await patient.get('/api/documents')).status === 200,
    );
    const health = await answers(portal.client().get('/health'));
    expect(health.status, health.body).toBe(200);
    expect(health.json()).toEqual({
      status: 'ok',
      database: 'ok',
      chain: 'ok',
      storage: 'ok',
      blobStore: 'file',
      leader: true,
    });
  }, 120_000);

  it('refused connections answer 503 DATABASE_UNAVAILABLE, not 500, and service resumes when the database is back', async () => {
    await proxy.refuse();
    try {
      expectUnavailable(await answers(patient.get('/api/documents')));
      expectUnavailable(await answers(portal.issue(doctor, patient.patientNumber)));
      const health = await answers(portal.client().get('/health'));
      expect(health.status).toBe(503);
      expect(health.json()).toMatchObject({ status: 'degraded', database: 'down' });
    } finally {
      await proxy.forward();
    }
    expect((await answers(patient.get('/api/documents'))).status).toBe(200);
  });
});
