import { completeSignIn, REVOKE_PATH, signedRevocation, signIfAsked } from './softPasskey.js';

/** A browser-like client over real HTTP (system tests, benchmarks): cookie jar and CSRF header. */
export class Http {
  cookie: string | undefined;
  csrf: string | undefined;
  /** Whose test passkey signs the documents this client issues (set at sign-in). */
  email: string | undefined;
  /** The portal's public origin, which passkey answers name; `base`'s unless it is reached another way. */
  origin: string | undefined;
  constructor(readonly base: string) {}

  async req(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(payload ? { body: payload } : {}),
    });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (typeof json.csrfToken === 'string') this.csrf = json.csrfToken;
    // A doctor with passkeys signs a revocation (428 until then), as their page does; so does this client.
    if (
      method === 'POST' &&
      REVOKE_PATH.test(path) &&
      res.status === 428 &&
      body &&
      !(body instanceof FormData)
    ) {
      const signed = await signedRevocation(
        (m, p, b) => this.req(m, p, b),
        this.email,
        this.origin ?? new URL(this.base).origin,
        path,
        body as Record<string, unknown>,
      );
      if (signed) return this.req(method, path, signed);
    }
    // A doctor's browser signs every upload with their passkey when the portal asks; so does this client.
    if (
      method === 'POST' &&
      (path === '/api/documents' || path === '/api/certificates') &&
      res.status === 201
    )
      await signIfAsked(
        (m, p, b) => this.req(m, p, b),
        this.email,
        this.origin ?? new URL(this.base).origin,
        json,
      );
    return { status: res.status, json };
  }

  /** Password, then (doctors, admins) the second step with their test passkey, made at first sign-in. */
  async login(email: string, password: string): Promise<{ status: number; json: Record<string, unknown> }> {
    const r = await this.req('POST', '/api/auth/login', { email, password });
    return r.status === 200 ? this.secondStep(r.json) : r;
  }

  /** Finishes a pending sign-in (after login or setup) with the test passkey. */
  async secondStep(me: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
    this.email = (me.user as { email?: string } | undefined)?.email;
    const done = await completeSignIn(
      (m, p, b) => this.req(m, p, b),
      me,
      this.origin ?? new URL(this.base).origin,
    );
    // The full session's CSRF token (enrolment answers it inside `me`).
    this.csrf = done.me.csrfToken as string;
    return { status: 200, json: done.me };
  }
}

export const SEED = {
  adminEmail: 'admin@seed.test',
  doctorEmail: 'doctor@seed.test',
  patientEmail: 'patient@seed.test',
} as const;

async function expectStatus(
  p: Promise<{ status: number; json: Record<string, unknown> }>,
  status: number,
  what: string,
) {
  const r = await p;
  if (r.status !== status)
    throw new Error(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.json)}`);
  return r;
}

/**
 * What every end-to-end run starts from, through the public API of a fresh `medproof start`: the first
 * admin (with the printed setup token), one doctor, one patient, and the doctor signed in.
 */
export async function seedPortal(
  url: string,
  setupToken: string,
  password: string,
  patientId: string,
): Promise<{ admin: Http; doctor: Http }> {
  const admin = new Http(url);
  const setup = await expectStatus(
    admin.req('POST', '/api/setup', { token: setupToken, email: SEED.adminEmail, name: 'Admin', password }),
    201,
    'setup',
  );
  await admin.secondStep(setup.json);
  await expectStatus(
    admin.req('POST', '/api/doctors', {
      email: SEED.doctorEmail,
      name: 'Dr Seed',
      registrationNumber: 'MCI-1',
      password,
    }),
    201,
    'create doctor',
  );
  await expectStatus(
    new Http(url).req('POST', '/api/patients', {
      email: SEED.patientEmail,
      password,
      name: 'Patient',
      dateOfBirth: '1980-01-01',
      patientId,
    }),
    201,
    'register patient',
  );
  const doctor = new Http(url);
  await expectStatus(doctor.login(SEED.doctorEmail, password), 200, 'doctor sign-in');
  return { admin, doctor };
}

/** The multipart body of POST /api/documents for a small PDF. */
export function issueForm(
  patientId: string,
  title: string,
  content: string,
  fileName = 'document.pdf',
): FormData {
  const form = new FormData();
  form.set('patientId', patientId);
  form.set('docType', 'report');
  form.set('title', title);
  form.set('file', new Blob([`%PDF-1.4 ${content}\n%%EOF`], { type: 'application/pdf' }), fileName);
  return form;
}

/** Asks POST /api/verify by hash until the verdict is `want` or time runs out; returns the last verdict. */
export async function waitForVerdict(
  url: string,
  docHash: unknown,
  want = 'VALID',
  timeoutMs = 30_000,
): Promise<string> {
  let verdict = '';
  for (const deadline = Date.now() + timeoutMs; verdict !== want && Date.now() < deadline;) {
    verdict = String((await new Http(url).req('POST', '/api/verify', { docHash })).json.verdict);
    if (verdict !== want) await new Promise((r) => setTimeout(r, 100));
  }
  return verdict;
}
