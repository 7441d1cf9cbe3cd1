import type { OutgoingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { freePort } from '../../src/chain/embedded/processes.js';
import type { NodeKind } from '../../src/chain/nodes/EmbeddedNode.js';
import { loadConfig, type ConfigOverrides } from '../../src/config/loadConfig.js';
import { verhoeffDigit } from '../../src/core/patientId/verhoeff.js';
import { silentLogger, type Logger } from '../../src/log/createLogger.js';
import { startSystem, type StartOptions, type System } from '../../src/system/startSystem.js';
import { CapturingSms } from './capturingSms.js';
import { createPgDatabase, type DbKind } from './databases.js';
import { completeSignIn, REVOKE_PATH, signedRevocation, signIfAsked, type Send } from './softPasskey.js';
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

/** The routes that issue a document (an upload, a certificate from its form): the doctor then signs it. */
const ISSUING = ['/api/documents', '/api/certificates'];

/** One browser-like user: a cookie jar, the CSRF token, requests through app.inject. */
export class Client {
  cookie: string | undefined;
  csrf: string | undefined;
  user: { id: string; role: string; email: string; name: string } | undefined;

  /** The first-factor-only sign-in's recovery codes, when the passkey was enrolled by this client. */
  recoveryCodes: string[] | undefined;

  constructor(
    readonly app: FastifyInstance,
    readonly ip = '127.0.0.1',
    /** The portal's public origin, which WebAuthn answers must name. */
    readonly origin = 'http://127.0.0.1',
  ) {}

  async req(
    method: string,
    url: string,
    o: {
      json?: unknown;
      multipart?: { payload: Buffer; headers: Record<string, string> };
      headers?: Record<string, string>;
      raw?: string;
      /** `false`: leave an issued document unsigned (it then waits for the doctor's signature). */
      sign?: boolean;
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
    // A doctor with passkeys signs a revocation (428 until then), as their page does; so does this client.
    if (
      method === 'POST' &&
      REVOKE_PATH.test(url) &&
      res.statusCode === 428 &&
      o.sign !== false &&
      o.json !== undefined &&
      (JSON.parse(res.body) as { error?: { code?: string } }).error?.code === 'SIGNATURE_REQUIRED'
    ) {
      const signed = await signedRevocation(this.send, this.user?.email, this.origin, url, o.json as never);
      if (signed) return this.req(method, url, { ...o, json: signed });
    }
    // A doctor's browser signs every upload with their passkey when the portal asks; so does this client.
    if (method === 'POST' && ISSUING.includes(url) && res.statusCode === 201 && o.sign !== false)
      await signIfAsked(
        this.send,
        this.user?.email,
        this.origin,
        JSON.parse(res.body) as Record<string, unknown>,
      );
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

  /** JSON requests as the passkey helpers send them. */
  send: Send = async (method, path, body) => {
    const r = await this.req(method, path, body === undefined ? {} : { json: body });
    return { status: r.status, json: r.body ? r.json() : {} };
  };

  /**
   * Signs in as a person would: the password, then for a doctor or admin the second step with their
   * (software) passkey — created at their first sign-in. `secondFactor: false` stops after the password.
   */
  async login(email: string, password: string, o: { secondFactor?: boolean } = {}): Promise<Reply> {
    const r = await this.post('/api/auth/login', { email, password });
    if (r.status !== 200) return r;
    this.adopt(r.json());
    if (o.secondFactor === false) return r;
    const done = await completeSignIn(this.send, r.json(), this.origin);
    this.adopt(done.me);
    if (done.recoveryCodes) this.recoveryCodes = done.recoveryCodes;
    return { ...r, body: JSON.stringify(done.me), json: <T>() => done.me as T };
  }

  /** Takes the user and CSRF token of a `me` answer. */
  adopt(me: Record<string, unknown>): void {
    this.user = me.user as Client['user'];
    this.csrf = me.csrfToken as string;
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
  /** Every SMS (one-time codes, invitations) the portal sent, as the test's SMS provider received it. */
  readonly sms: CapturingSms;
  client(ip?: string): Client;
  /** Creates users through the API: an admin (first-start setup), doctors, patients; signed-in clients. */
  admin(): Promise<Client>;
  doctor(admin: Client, name?: string): Promise<Client>;
  /** A registered patient who has proven their id with the code sent to it (unless `prove: false`). */
  patient(
    name?: string,
    o?: { prove?: boolean; patientId?: string },
  ): Promise<Client & { patientNumber: string }>;
  /** Proves a signed-in patient's id with the latest code the test's SMS provider got for it. */
  proveId(patient: Client, patientNumber: string): Promise<Reply>;
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
    notify?: StartOptions['notify'];
  } = {},
): Promise<TestPortal> {
  const dir = o.dataDir ? { path: o.dataDir, remove: () => undefined } : tmpDir('medproof-portal-');
  const pg = o.db === 'postgres' ? await createPgDatabase() : undefined;
  const config = loadConfig(
    { dataDir: dir.path, node: o.node ?? 'anvil', nodePort: await freePort(), port: 0, ...o.config },
    {
      ...(pg ? { MEDPROOF_DATABASE_URL: pg.url } : {}),
      MEDPROOF_VERIFY_RATE_PER_MINUTE: '100000',
      // Hermetic: browsers in tests never ask a real DNS-over-HTTPS service (a test sets its own).
      MEDPROOF_DOH_URL: 'off',
      ...o.env,
    },
  );
  const sms = new CapturingSms();
  const system = await startSystem(config, o.log ?? silentLogger, { notify: { sms, ...o.notify } });
  let adminClient: Client | undefined;
  let doctors = 0;
  const portal: TestPortal = {
    system,
    app: system.app,
    dataDir: dir.path,
    sms,
    client: (ip) => new Client(system.app, ip, system.config.publicUrl),
    async admin() {
      if (adminClient) return adminClient;
      const c = new Client(system.app, undefined, system.config.publicUrl);
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
      const c = new Client(system.app, undefined, system.config.publicUrl);
      await c.login(email, PASSWORD);
      return c;
    },
    async patient(name = 'Asha Patil', p = {}) {
      const email = `${name.replace(/\W+/g, '.').toLowerCase()}.${randomBytes(3).toString('hex')}@mail.test`;
      const patientNumber = p.patientId ?? nextAadhaar();
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
      if (p.prove !== false) {
        const proven = await portal.proveId(c, patientNumber);
        if (proven.status !== 200) throw new Error(`proving the patient id failed: ${proven.body}`);
      }
      return c;
    },
    async proveId(patient, patientNumber) {
      const code = await sms.codeFor(patientNumber);
      return patient.post('/api/me/patient-id/verify', { code });
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
