import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The Prometheus text format (0.0.4), as a scraper reads it: `# HELP`/`# TYPE` lines and samples. */
function parseMetrics(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!;
    // Go's ParseFloat, as Prometheus reads it: NaN in any case (prom-client writes `Nan`), ±Inf.
    const raw = m[3]!;
    const value = /^nan$/i.test(raw)
      ? NaN
      : /^\+inf$/i.test(raw)
        ? Infinity
        : /^-inf$/i.test(raw)
          ? -Infinity
          : Number(raw);
    if (Number.isNaN(value) && !/^nan$/i.test(raw)) throw new Error(`not a value: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { types, samples };
}

/** The one sample of `name` whose labels include `labels`, or undefined. */
function sample(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)}: ${found.length} samples`);
  return found[0]?.value;
}

describe('/metrics on SQLite and anvil', () => {
  let portal: TestPortal;
  let doctor: Client;
  let patient: Client & { patientNumber: string };

  beforeAll(async () => {
    portal = await startTestPortal({ db: 'sqlite', config: { replicaId: 'replica-a' } });
    const admin = await portal.admin();
    doctor = await portal.doctor(admin);
    patient = await portal.patient();
  }, 120_000);
  afterAll(() => portal?.stop());

  const scrape = async () => {
    const r = await portal.client('127.0.0.1').get('/metrics');
    expect(r.status, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { ...parseMetrics(r.body), text: r.body };
  };

  it('answers a direct request from this machine, and 404 to anyone else or through a proxy', async () => {
    expect((await portal.client('127.0.0.1').get('/metrics')).status).toBe(200);
    const remote = await portal.client('10.9.8.7').get('/metrics');
    expect(remote.status).toBe(404);
    expect(remote.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const proxied = await portal
      .client('127.0.0.1')
      .req('GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.5' } });
    expect(proxied.status).toBe(404);
  });

  it('names every metric with its type, and this replica as the leader', async () => {
    const { types, samples } = await scrape();
    expect(Object.fromEntries([...types].filter(([n]) => n.startsWith('medproof_')))).toEqual({
      medproof_anchor_queue_depth: 'gauge',
      medproof_anchor_oldest_pending_seconds: 'gauge',
      medproof_anchoring_lag_seconds: 'gauge',
      medproof_anchor_batches: 'gauge',
      medproof_chain_errors_total: 'counter',
      medproof_leader: 'gauge',
      medproof_http_request_duration_seconds: 'histogram',
    });
    // Node's own (the default collectors, in this portal's registry).
    expect(types.get('process_cpu_seconds_total')).toBe('counter');
    expect(sample(samples, 'medproof_leader', { replica: 'replica-a' })).toBe(1);
    for (const state of ['built', 'sent', 'mined', 'confirmed', 'final', 'failed'])
      expect(sample(samples, 'medproof_anchor_batches', { state }), state).toBeGreaterThanOrEqual(0);
  });

  it('shows uploads queued while the engine is stopped, then anchored: depth, age, batches, lag', async () => {
    const before = await scrape();
    const anchoredBatches = (s: Sample[]) =>
      (sample(s, 'medproof_anchor_batches', { state: 'confirmed' }) ?? 0) +
      (sample(s, 'medproof_anchor_batches', { state: 'final' }) ?? 0);
    const queuedBefore = sample(before.samples, 'medproof_anchor_queue_depth', { state: 'queued' })!;

    await portal.system.engine.stop();
    const ids: string[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const r = await portal.issue(doctor, patient.patientNumber);
        expect(r.status, r.body).toBe(201);
        ids.push(r.json<{ id: string }>().id);
      }
      const waiting = await scrape();
      expect(sample(waiting.samples, 'medproof_anchor_queue_depth', { state: 'queued' })).toBe(
        queuedBefore + 3,
      );
      expect(sample(waiting.samples, 'medproof_anchor_oldest_pending_seconds')).toBeGreaterThan(0);
    } finally {
      await portal.system.engine.start();
    }
    portal.system.engine.kick();
    for (const id of ids) await portal.waitAnchored(patient, id);

    // Anchored once confirmed; the gauges read the database, so they show it at the next scrape.
    const after = await scrape();
    expect(sample(after.samples, 'medproof_anchor_queue_depth', { state: 'queued' })).toBe(0);
    expect(sample(after.samples, 'medproof_anchor_queue_depth', { state: 'batched' })).toBe(0);
    expect(sample(after.samples, 'medproof_anchor_oldest_pending_seconds')).toBe(0);
    expect(anchoredBatches(after.samples)).toBeGreaterThan(anchoredBatches(before.samples));
    // The newest batch waited at least from the first upload to the engine's restart.
    expect(sample(after.samples, 'medproof_anchoring_lag_seconds')).toBeGreaterThan(0);
  });

  it('times requests by route pattern, method and status class, never by raw URL', async () => {
    const r = await patient.get('/api/documents');
    const [doc] = r.json<{ id: string }[]>();
    expect((await patient.get(`/api/documents/${doc!.id}`)).status).toBe(200);
    expect((await patient.get('/api/documents/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    // GET falls to the web UI's `/*` route (a 404 under /api); no route takes a POST here at all.
    expect((await patient.get('/api/no/such/path/at/all')).status).toBe(404);
    expect((await patient.post('/api/no/such/path/at/all', {})).status).toBe(404);

    const { samples, text } = await scrape();
    const count = (labels: Record<string, string>) =>
      sample(samples, 'medproof_http_request_duration_seconds_count', labels) ?? 0;
    expect(count({ route: '/api/documents', method: 'POST', status_class: '2xx' })).toBeGreaterThanOrEqual(3);
    expect(count({ route: '/api/documents/:id', method: 'GET', status_class: '2xx' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(count({ route: '/api/documents/:id', method: 'GET', status_class: '4xx' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(count({ route: 'unmatched', method: 'POST', status_class: '4xx' })).toBeGreaterThanOrEqual(1);
    // The +Inf bucket holds every observation.
    expect(
      sample(samples, 'medproof_http_request_duration_seconds_bucket', {
        route: '/api/documents',
        method: 'POST',
        status_class: '2xx',
        le: '+Inf',
      }),
    ).toBe(count({ route: '/api/documents', method: 'POST', status_class: '2xx' }));
    expect(count({ route: '/*', method: 'GET', status_class: '4xx' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(doc!.id);
    expect(text).not.toContain('/api/no/such/path');
  });
});

describe('/metrics with MEDPROOF_METRICS_TOKEN', () => {
  let portal: TestPortal;
  const token = 'a-scraper-token-0f3c9e';

  beforeAll(async () => {
    portal = await startTestPortal({ db: 'sqlite', env: { MEDPROOF_METRICS_TOKEN: token } });
  }, 120_000);
  afterAll(() => portal?.stop());

  it('answers only the bearer of the token, from anywhere, and not loopback without it', async () => {
    const get = (ip: string, authorization?: string) =>
      portal
        .client(ip)
        .req('GET', '/metrics', authorization ? { headers: { authorization } } : {})
        .then((r) => r.status);
    expect(await get('127.0.0.1')).toBe(404);
    expect(await get('10.9.8.7', `Bearer ${token}-not`)).toBe(404);
    expect(await get('10.9.8.7', `Bearer ${token}`)).toBe(200);
  });
});
