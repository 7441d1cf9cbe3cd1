import type { OutgoingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { freePort } from '../../src/chain/embedded/processes.js';
import type { NodeKind } from '../../src/chain/nodes/EmbeddedNode.js';
import { loadConfig, type ConfigOverrides } from '../../src/config/loadConfig.js';
import { verhoeffDigit } from '../../src/core/patientId/verhoeff.js';
import { silentLogger, type Logger } from '../../src/log/createLogger.js';
import { startSystem, type System } from '../../src/system/startSystem.js';
import { createPgDatabase, type DbKind } from './databases.js';
import { tmpDir } from './tmp.js';

export interface Reply {
  status: number;
  headers: OutgoingHttpHeaders;
  body: string;
  raw: Buffer;
  json<T = Record<string, unknown>>(): T;
}

export interface FilePart {
  readonly field?: string;
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer | string;
}

/** A multipart/form-data body, built by hand: fields first, then files, in the given order. */
export function multipart(
  fields: Record<string, string>,
  files: FilePart[] = [],
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----medproof${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'file'}"; filename="${f.filename}"\r\nContent-Type: ${f.contentType}\r\n\r\n`,
      ),
    );
    parts.push(Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** One browser-like user: a cookie jar, the CSRF token, requests through app.inject. */
export class Client {
  cookie: string | undefined;
  csrf: string | undefined;
  user: { id: string; role: string; email: string; name: string } | undefined;

  constructor(
    readonly app: FastifyInstance,
    readonly ip = '127.0.0.1',
  ) {}

  async req(
    method: string,
    url: string,
    o: {
      json?: unknown;
      multipart?: { payload: Buffer; headers: Record<string, string> };
      headers?: Record<string, string>;
      raw?: string;
    } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && !['GET', 'HEAD'].includes(method)) headers['x-csrf-token'] ??= this.csrf;
    let payload: string | Buffer | undefined;
    if (o.json !== undefined) {
      payload = JSON.stringify(o.json);
      headers['content-type'] = 'application/json';
    } else if (o.raw !== undefined) {
      payload = o.raw;
      headers['content-type'] ??= 'application/json';
    } else if (o.multipart) {
      payload = o.multipart.payload;
      Object.assign(headers, o.multipart.headers);
    }
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload !== undefined ? { payload } : {}),
      remoteAddress: this.ip,
    });
    const setCookie = res.headers['set-cookie'];
    for (const c of ([] as string[]).concat(setCookie ?? [])) {
      const [pair] = c.split(';');
      if (pair?.startsWith('__Host-medproof=')) this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    return {
      status: res.statusCode,
      headers: res.headers,
      body: res.body,
      raw: res.rawPayload,
      json: <T>() => JSON.parse(res.body) as T,
    };
  }

  get = (url: string) => this.req('GET', url);
  post = (url: string, json?: unknown) => this.req('POST', url, json === undefined ? {} : { json });

  async login(email: string, password: string): Promise<Reply> {
    const r = await this.post('/api/auth/login', { email, password });
    if (r.status === 200) {
      const me = r.json<{ user: Client['user']; csrfToken: string }>();
      this.user = me.user;
      this.csrf = me.csrfToken;
    }
    return r;
  }
}

export const PASSWORD = 'correct horse battery staple';
export const aadhaar = (eleven: string) => `${eleven}${verhoeffDigit(eleven)}`;

let counter = 0;
/** A valid, unique Aadhaar number per call. */
export function nextAadhaar(): string {
  counter++;
  const eleven = `2${String(Date.now() % 1e6).padStart(6, '0')}${String(counter).padStart(4, '0')}`.slice(
    0,
    11,
  );
  return aadhaar(eleven);
}

export interface TestPortal {
  readonly system: System;
  readonly app: FastifyInstance;
  readonly dataDir: string;
  client(ip?: string): Client;
  /** Creates users through the API: an admin (first-start setup), doctors, patients; signed-in clients. */
  admin(): Promise<Client>;
  doctor(admin: Client, name?: string): Promise<Client>;
  patient(name?: string): Promise<Client & { patientNumber: string }>;
  /** Issues a document as `doctor` for `patientId`, returning the 201 body. */
  issue(
    doctor: Client,
    patientId: string,
    file?: Partial<FilePart>,
    fields?: Record<string, string>,
  ): Promise<Reply>;
  waitAnchored(client: Client, documentId: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** The whole system as `medproof start` runs it (real node, real database), with a test client. */
export async function startTestPortal(
  o: {
    node?: NodeKind;
    db?: DbKind;
    config?: ConfigOverrides;
    env?: NodeJS.ProcessEnv;
    log?: Logger;
    dataDir?: string;
  } = {},
): Promise<TestPortal> {
  const dir = o.dataDir ? { path: o.dataDir, remove: () => undefined } : tmpDir('medproof-portal-');
  const pg = o.db === 'postgres' ? await createPgDatabase() : undefined;
  const config = loadConfig(
    { dataDir: dir.path, node: o.node ?? 'anvil', nodePort: await freePort(), port: 0, ...o.config },
    { ...(pg ? { MEDPROOF_DATABASE_URL: pg.url } : {}), MEDPROOF_VERIFY_RATE_PER_MINUTE: '100000', ...o.env },
  );
  const system = await startSystem(config, o.log ?? silentLogger);
  let adminClient: Client | undefined;
  let doctors = 0;
  const portal: TestPortal = {
    system,
    app: system.app,
    dataDir: dir.path,
    client: (ip) => new Client(system.app, ip),
    async admin() {
      if (adminClient) return adminClient;
      const c = new Client(system.app);
      const r = await c.post('/api/setup', {
        token: system.setupToken,
        email: 'admin@hospital.test',
        name: 'Admin',
        password: PASSWORD,
      });
      if (r.status !== 201) throw new Error(`setup failed: ${r.body}`);
      await c.login('admin@hospital.test', PASSWORD);
      adminClient = c;
      return c;
    },
    async doctor(admin, name = `Dr ${++doctors}`) {
      const email = `${name.replace(/\W+/g, '.').toLowerCase()}.${randomBytes(3).toString('hex')}@hospital.test`;
      const r = await admin.post('/api/doctors', {
        email,
        name,
        registrationNumber: `MCI-${randomBytes(3).toString('hex')}`,
        password: PASSWORD,
      });
      if (r.status !== 201) throw new Error(`doctor creation failed: ${r.body}`);
      const c = new Client(system.app);
      await c.login(email, PASSWORD);
      return c;
    },
    async patient(name = 'Asha Patil') {
      const email = `${name.replace(/\W+/g, '.').toLowerCase()}.${randomBytes(3).toString('hex')}@mail.test`;
      const patientNumber = nextAadhaar();
      const r = await new Client(system.app).post('/api/patients', {
        email,
        password: PASSWORD,
        name,
        dateOfBirth: '1990-04-01',
        patientId: patientNumber,
      });
      if (r.status !== 201) throw new Error(`registration failed: ${r.body}`);
      const c = new Client(system.app) as Client & { patientNumber: string };
      c.patientNumber = patientNumber;
      await c.login(email, PASSWORD);
      return c;
    },
    issue(doctor, patientId, file = {}, fields = {}) {
      return doctor.req('POST', '/api/documents', {
        multipart: multipart({ patientId, docType: 'certificate', title: 'Fitness certificate', ...fields }, [
          {
            filename: 'certificate.pdf',
            contentType: 'application/pdf',
            data: `%PDF-1.4\n${randomBytes(16).toString('hex')}\n%%EOF`,
            ...file,
          },
        ]),
      });
    },
    async waitAnchored(client, documentId) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const r = await client.get(`/api/documents/${documentId}`);
        const doc = r.json();
        if (doc.status === 'anchored') return doc;
        if (Date.now() > deadline) throw new Error(`document ${documentId} not anchored: ${r.body}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    async stop() {
      await system.stop();
      await pg?.drop();
      dir.remove();
    },
  };
  return portal;
}
