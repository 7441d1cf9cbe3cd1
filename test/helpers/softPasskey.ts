import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

const b64url = (b: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(b));
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

// Authenticator data flags (WebAuthn §6.1).
const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

/**
 * A software WebAuthn authenticator for API tests: a P-256 key pair that answers the portal's real
 * registration and authentication ceremonies (attestation "none", ES256), so tests sign doctors and
 * admins in through the same routes and checks as a browser with a passkey — no bypass in the portal.
 * The browser tests use Chromium's virtual authenticator instead.
 */
export class SoftPasskey {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly x: Buffer;
  private readonly y: Buffer;
  private counter = 0;
  private busy: Promise<unknown> = Promise.resolve();
  userHandle: string | undefined;

  /**
   * Runs one signing ceremony after the previous one has finished, as a real authenticator does (one
   * touch at a time): its counter then reaches the portal in the order it was signed.
   */
  oneAtATime<T>(ceremony: () => Promise<T>): Promise<T> {
    const turn = this.busy.then(ceremony, ceremony);
    this.busy = turn.catch(() => undefined);
    return turn;
  }

  constructor(
    readonly origin: string,
    /** Verified by the user (PIN, biometrics): a passkey alone signs in only when it is. */
    readonly userVerified = true,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.x = Buffer.from(jwk.x!, 'base64url');
    this.y = Buffer.from(jwk.y!, 'base64url');
  }

  /** The public key's coordinates, to compare with what the portal stored. */
  publicXY(): { x: Buffer; y: Buffer } {
    return { x: this.x, y: this.y };
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  private rpIdHash(rpId: string) {
    return sha256(rpId);
  }

  private flags(extra = 0) {
    return Buffer.from([UP | (this.userVerified ? UV : 0) | extra]);
  }

  /** Answers `navigator.credentials.create()` for the options the portal sent. */
  register(options: { challenge: string; rp: { id?: string }; user: { id: string } }, origin = this.origin) {
    const rpId = options.rp.id ?? new URL(origin).hostname;
    this.userHandle = options.user.id;
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, this.x],
        [-3, this.y],
      ]),
    );
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([
      this.rpIdHash(rpId),
      this.flags(AT),
      u32(this.counter),
      Buffer.alloc(16), // AAGUID: none
      idLen,
      this.credentialId,
      Buffer.from(cose),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]) as never,
    );
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin, crossOrigin: false }),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  }

  /** Answers `navigator.credentials.get()`: signs authenticatorData ‖ SHA-256(clientDataJSON). */
  assert(options: { challenge: string; rpId?: string }, origin = this.origin) {
    const rpId = options.rpId ?? new URL(origin).hostname;
    this.counter++;
    const authenticatorData = Buffer.concat([this.rpIdHash(rpId), this.flags(), u32(this.counter)]);
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin, crossOrigin: false }),
    );
    const signature = sign(
      'sha256',
      Buffer.concat([authenticatorData, sha256(clientDataJSON)]),
      this.privateKey,
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
    };
  }
}

/** How a test client sends one JSON request: status and parsed body. */
export type Send = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; json: Record<string, unknown> }>;

/**
 * Every test user's passkeys, by email: what "their phone" holds across clients and restarts. Which
 * one answers is decided as a browser decides, by the credential ids the portal allows.
 */
const keyring = new Map<string, SoftPasskey[]>();
const keysOf = (email: string) => keyring.get(email.toLowerCase()) ?? [];

/** The passkey a user enrolled last on the portal at `origin`. */
export const passkeyOf = (origin: string, email: string) =>
  keysOf(email).findLast((k) => k.origin === origin);

/**
 * Finishes a doctor's or admin's sign-in after the password as the person would: at first sign-in
 * they create a passkey (recovery codes come back once), later they confirm with it. Returns the
 * final `me` (with the full session's CSRF token) and the recovery codes when there were any.
 */
export async function completeSignIn(
  send: Send,
  me: Record<string, unknown>,
  origin: string,
): Promise<{ me: Record<string, unknown>; recoveryCodes?: string[] }> {
  const email = String((me.user as { email: string }).email).toLowerCase();
  if (me.stage === 'enroll') {
    const o = await send('POST', '/api/me/passkeys/options');
    if (o.status !== 200) throw new Error(`passkey options: ${o.status} ${JSON.stringify(o.json)}`);
    const key = new SoftPasskey(origin);
    const r = await send('POST', '/api/me/passkeys', {
      challengeId: o.json.challengeId,
      name: 'Test key',
      credential: key.register(o.json.options as never),
    });
    if (r.status !== 201) throw new Error(`passkey enrolment: ${r.status} ${JSON.stringify(r.json)}`);
    keyring.set(email, [...keysOf(email), key]);
    return { me: r.json.me as Record<string, unknown>, recoveryCodes: r.json.recoveryCodes as string[] };
  }
  if (me.stage === 'second-factor') {
    const o = await send('POST', '/api/auth/second-factor/options');
    const options = o.json.options as { challenge: string; allowCredentials?: { id: string }[] };
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const key = keysOf(email).findLast((k) => allowed.has(k.id));
    if (!key) throw new Error(`no test passkey for ${email}`);
    const r = await send('POST', '/api/auth/second-factor/passkey', {
      challengeId: o.json.challengeId,
      credential: key.assert(options, origin),
    });
    if (r.status !== 200) throw new Error(`second factor: ${r.status} ${JSON.stringify(r.json)}`);
    return { me: r.json };
  }
  return { me };
}

/**
 * Signs a just-issued document as the portal's own page does after every upload: when the 201 asks for
 * the doctor's passkey signature over the leaf, the user's test passkey among those allowed answers it
 * and the assertion is posted. Returns the signing answer, or undefined when none was asked.
 */
export async function signIfAsked(
  send: Send,
  email: string | undefined,
  origin: string,
  issued: Record<string, unknown>,
): Promise<{ status: number; json: Record<string, unknown> } | undefined> {
  const asked = issued.signature as
    { options: { challenge: string; rpId: string; allowCredentials: { id: string }[] } } | undefined;
  if (!asked || !email || typeof issued.id !== 'string') return undefined;
  const allowed = new Set(asked.options.allowCredentials.map((c) => c.id));
  const key = keysOf(email).findLast((k) => allowed.has(k.id));
  if (!key) throw new Error(`no test passkey of ${email} may sign document ${issued.id}`);
  const id = issued.id;
  return key.oneAtATime(async () => {
    for (let attempt = 1; ; attempt++) {
      const r = await send('POST', `/api/documents/${id}/signature`, {
        credential: key.assert(asked.options, origin),
      });
      const code = (r.json.error as { code?: string } | undefined)?.code;
      // The page offers "sign again" when the portal could not take the signature for now.
      if (r.status === 503 && attempt < SIGN_ATTEMPTS) {
        await new Promise((done) => setTimeout(done, 250));
        continue;
      }
      // A replayed 201 (Idempotency-Key), or a 503 after the signature was stored, asks again for a
      // document this client signed already.
      if (r.status !== 200 && code !== 'SIGNATURE_NOT_AWAITED')
        throw new Error(`signing ${id}: ${r.status} ${JSON.stringify(r.json)}`);
      return r;
    }
  });
}

/** Bounded: a database that stays down fails the signing (and the test that needed it). */
const SIGN_ATTEMPTS = 40;

/** `/api/documents/<id>/revoke`: a revocation a doctor with passkeys must sign. */
export const REVOKE_PATH = /^\/api\/documents\/([^/]+)\/revoke$/;

/**
 * Signs a revocation the portal refused with 428 SIGNATURE_REQUIRED, as the doctor's page does: asks
 * for the request over the leaf and reason and lets the user's test passkey answer it. Returns the
 * body to send again (with the assertion), or undefined when no request came.
 */
export async function signedRevocation(
  send: Send,
  email: string | undefined,
  origin: string,
  path: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  const o = await send('POST', `${path}/options`, body);
  if (o.status !== 200 || !email) return undefined;
  const options = (o.json as { options: { challenge: string; allowCredentials: { id: string }[] } }).options;
  const allowed = new Set(options.allowCredentials.map((c) => c.id));
  const key = keysOf(email).findLast((k) => allowed.has(k.id));
  if (!key) throw new Error(`no test passkey of ${email} may sign the revocation`);
  return { ...body, credential: key.assert(options, origin) };
}

/**
 * Gives a signed-in doctor or admin one more (software) passkey through the real API, for an API
 * client whose person's first passkey lives elsewhere (a browser test's virtual authenticator): it can
 * then sign what they issue and revoke. A doctor's profile gets a new term listing it.
 */
export async function addSoftPasskey(send: Send, email: string, origin: string): Promise<SoftPasskey> {
  const o = await send('POST', '/api/me/passkeys/options');
  if (o.status !== 200) throw new Error(`passkey options: ${o.status} ${JSON.stringify(o.json)}`);
  const key = new SoftPasskey(origin);
  const r = await send('POST', '/api/me/passkeys', {
    challengeId: o.json.challengeId,
    name: 'Test key (API)',
    credential: key.register(o.json.options as never),
  });
  if (r.status !== 201) throw new Error(`passkey enrolment: ${r.status} ${JSON.stringify(r.json)}`);
  keyring.set(email.toLowerCase(), [...keysOf(email), key]);
  return key;
}

/**
 * Signs a document waiting for its doctor's signature with the doctor's test passkey, through an API
 * client signed in as them: for browser tests whose doctor signs in with an authenticator app while
 * their passkey is the API client's (the browser has no authenticator to sign with).
 */
export async function signAwaited(
  send: Send,
  email: string,
  origin: string,
  documentId: string,
): Promise<void> {
  const o = await send('GET', `/api/documents/${documentId}/signature`);
  if (o.status !== 200) throw new Error(`signature options: ${o.status} ${JSON.stringify(o.json)}`);
  await signIfAsked(send, email, origin, { id: documentId, signature: o.json });
}
