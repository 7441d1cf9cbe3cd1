import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { decodeCredentialPublicKey, isoBase64URL } from '@simplewebauthn/server/helpers';
import { MedproofError } from '../../core/index.js';
import { clearThrottle, reserveAttempt, type ThrottleRule } from '../accounts/loginThrottle.js';
import { verifyPassword } from '../accounts/passwordHash.js';
import {
  createSession,
  destroySession,
  destroyUserSessions,
  markConfirmed,
  STEP_UP_MS,
  type SessionPolicy,
  type SessionUser,
} from '../accounts/sessions.js';
import { renewIssuerProfile } from '../accounts/renewIssuerProfile.js';
import type { Actor } from '../audit/Actor.js';
import { appendAudit } from '../audit/appendAudit.js';
import type { AuditWriter } from '../audit/AuditWriter.js';
import { sealText, unsealText } from '../crypto/keyWrap.js';
import { enqueueNotification } from '../notifications/enqueueNotification.js';
import type { Db, Executor } from '../db/Db.js';
import type { Role, SessionStage, WebauthnCredentialsTable } from '../db/schema.js';
import { consumeChallenge, issueChallenge } from './challenges.js';
import { hashRecoveryCode, newRecoveryCodes } from './recoveryCodes.js';
import type { RelyingParty } from './RelyingParty.js';
import { newTotpSecret, totpStepOf, totpUri } from './totpCode.js';

/** Roles that must pass a second factor; patients sign in with their password (their id proof is item 3). */
export const SECOND_FACTOR_ROLES: readonly Role[] = ['doctor', 'admin'];

export interface PasskeySummary {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  /** `multiDevice`: synced (a platform passkey); `singleDevice`: bound to one authenticator. */
  readonly deviceType: string;
  readonly backedUp: boolean;
}

export interface SecurityOverview {
  readonly passkeys: PasskeySummary[];
  readonly totp: boolean;
  readonly recoveryCodesLeft: number;
}

/** A passkey's public key as the issuer profile will carry it (issue 9 item 2). */
export interface PasskeyPublicKey {
  readonly credentialId: string;
  /** COSE_Key, base64url. */
  readonly publicKey: string;
  readonly algorithm: number;
}

/** The session a ceremony runs in: the pending one is replaced by a new, full one when it passes. */
export interface CurrentSession {
  readonly idHash: string;
  readonly stage: SessionStage;
  readonly user: SessionUser;
}

export interface NewSession {
  readonly id: string;
  readonly csrfToken: string;
}

export interface Enrolled {
  /** Shown once, when the account's first factor is set up (or the old ones are all used). */
  readonly recoveryCodes?: string[];
  /** The full session that replaced an `enroll` one. */
  readonly session?: NewSession;
}

export type SecondFactorMethod = 'passkey' | 'totp' | 'recovery-code';

/** How a signed-in session confirms it is still its owner before a security change (step-up). */
export type StepUpMethod = 'password' | 'passkey' | 'totp';

/** What an admin's reset of someone's second factors took away. */
export interface FactorsReset {
  readonly passkeys: number;
  readonly totp: boolean;
}

// Per user: 5 wrong codes, then one try at a time, 1 s apart doubling to 60 s (as sign-in).
const codeRule = (userId: string): ThrottleRule => ({
  key: `2fa:${userId}`,
  max: 5,
  windowMs: 15 * 60_000,
  slowdown: { baseDelayMs: 1_000, maxDelayMs: 60_000 },
});

const invalid = () =>
  new MedproofError('SECOND_FACTOR_INVALID', 'the second factor was not accepted: try again');

const transportsOf = (row: Pick<WebauthnCredentialsTable, 'transports'>) =>
  JSON.parse(row.transports) as AuthenticatorTransportFuture[];

/** What a stored row gives the WebAuthn verifier. */
const credentialOf = (row: WebauthnCredentialsTable): WebAuthnCredential => ({
  id: row.id,
  publicKey: isoBase64URL.toBuffer(row.public_key),
  counter: Number(row.counter),
  transports: transportsOf(row),
});

/**
 * Second factors of doctors and admins: passkeys (WebAuthn, as second factor or alone as a discoverable
 * credential), a TOTP authenticator app as the fallback, and recovery codes. The one place that stores
 * them, checks them, and turns a pending session into a full one; every change commits with its audit
 * row. WebAuthn challenges are stored server-side and used once.
 */
export class SecondFactorRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter,
    private readonly masterKey: Uint8Array,
    readonly rp: RelyingParty,
  ) {}

  /** The stage a session starts in after the password: patients full, the others after a second factor. */
  static async stageAfterPassword(db: Executor, user: { id: string; role: Role }): Promise<SessionStage> {
    if (!SECOND_FACTOR_ROLES.includes(user.role)) return 'full';
    return (await hasFactor(db, user.id)) ? 'second-factor' : 'enroll';
  }

  async overview(userId: string): Promise<SecurityOverview> {
    const k = this.db.kysely;
    const [passkeys, totp, codes] = await Promise.all([
      k
        .selectFrom('webauthn_credentials')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .execute(),
      k
        .selectFrom('totp_secrets')
        .select('confirmed_at')
        .where('user_id', '=', userId)
        .where('confirmed_at', 'is not', null)
        .executeTakeFirst(),
      k
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow(),
    ]);
    return {
      passkeys: passkeys.map((p) => ({
        id: p.id,
        name: p.name,
        createdAt: Number(p.created_at),
        lastUsedAt: p.last_used_at === null ? null : Number(p.last_used_at),
        deviceType: p.device_type,
        backedUp: p.backed_up === 1,
      })),
      totp: totp !== undefined,
      recoveryCodesLeft: Number(codes.n),
    };
  }

  /** The COSE public keys of a user's passkeys, for their issuer profile. */
  async publicKeysOf(userId: string): Promise<PasskeyPublicKey[]> {
    const rows = await this.db.kysely
      .selectFrom('webauthn_credentials')
      .select(['id', 'public_key', 'algorithm'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({ credentialId: r.id, publicKey: r.public_key, algorithm: r.algorithm }));
  }

  // ── enrolling ────────────────────────────────────────────────────────────────────────────────

  /**
   * Options for creating a passkey: a discoverable credential (so it can sign in alone), user
   * verification preferred, none of the user's existing credentials again.
   */
  async registrationOptions(
    user: SessionUser,
  ): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
    this.requireRole(user);
    const existing = await this.db.kysely
      .selectFrom('webauthn_credentials')
      .select(['id', 'transports'])
      .where('user_id', '=', user.id)
      .execute();
    const options = await generateRegistrationOptions({
      rpName: this.rp.name,
      rpID: this.rp.id,
      userName: user.email,
      userDisplayName: user.name,
      // The user handle is the account's random id: nothing personal reaches the authenticator's list.
      userID: new TextEncoder().encode(user.id),
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.id, transports: transportsOf(c) })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      // ES256 (what doctors' leaf signatures will use, P-256) first; RS256 for Windows Hello.
      supportedAlgorithmIDs: [-7, -257],
    });
    const challengeId = await issueChallenge(this.db.kysely, options.challenge, 'register', user.id);
    return { challengeId, options };
  }

  /** Checks the authenticator's answer and stores the passkey (its COSE public key among it). */
  async addPasskey(
    current: CurrentSession,
    actor: Actor,
    challengeId: string,
    response: RegistrationResponseJSON,
    name: string,
    policy: SessionPolicy,
  ): Promise<Enrolled & { passkey: PasskeySummary }> {
    this.requireRole(current.user);
    const challenge = await consumeChallenge(this.db.kysely, challengeId, 'register', current.user.id);
    if (!challenge) throw invalid();
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.id,
        requireUserVerification: false,
      });
    } catch {
      // The library throws for any malformed or mismatching answer: one code, no detail to an attacker.
      verified = { verified: false as const };
    }
    if (!verified.verified) {
      await this.audit.append({ ...auditActor(actor), action: 'auth.passkey-added', outcome: 'failure' });
      throw invalid();
    }
    const info = verified.registrationInfo;
    const now = Date.now();
    const row: WebauthnCredentialsTable = {
      id: info.credential.id,
      user_id: current.user.id,
      name: name.trim() || 'Passkey',
      public_key: isoBase64URL.fromBuffer(info.credential.publicKey),
      algorithm: Number(decodeCredentialPublicKey(info.credential.publicKey).get(3)),
      counter: info.credential.counter,
      transports: JSON.stringify(info.credential.transports ?? response.response.transports ?? []),
      aaguid: info.aaguid,
      device_type: info.credentialDeviceType,
      backed_up: info.credentialBackedUp ? 1 : 0,
      created_at: now,
      last_used_at: null,
    };
    const enrolled = await this.db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('webauthn_credentials').values(row).execute();
      // A doctor's passkeys are part of their issuer profile: a new term lists the new key.
      if (current.user.role === 'doctor') await renewIssuerProfile(trx, current.user.id, {}, now);
      await appendAudit(trx, {
        ...auditActor(actor),
        action: 'auth.passkey-added',
        outcome: 'success',
        details: { credentialId: row.id, deviceType: row.device_type },
      });
      return this.afterEnrolment(trx, current, actor, policy);
    });
    return {
      ...enrolled,
      passkey: {
        id: row.id,
        name: row.name,
        createdAt: now,
        lastUsedAt: null,
        deviceType: row.device_type,
        backedUp: row.backed_up === 1,
      },
    };
  }

  /** Removes one of the user's passkeys; NOT_FOUND for anyone else's; never the last second factor. */
  async removePasskey(actor: Actor & { id: string; role: Role }, credentialId: string): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      const r = await trx
        .deleteFrom('webauthn_credentials')
        .where('id', '=', credentialId)
        .where('user_id', '=', actor.id)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) !== 1) throw new MedproofError('NOT_FOUND', 'no such passkey');
      await this.keepOneFactor(trx, actor);
      // A removed key signs nothing more: the doctor's next term no longer lists it.
      if (actor.role === 'doctor') await renewIssuerProfile(trx, actor.id);
      await appendAudit(trx, {
        ...auditActor(actor),
        action: 'auth.passkey-removed',
        outcome: 'success',
        details: { credentialId },
      });
    });
  }

  /**
   * A new TOTP secret for the user's authenticator app, stored unconfirmed (replacing an unconfirmed
   * one): it counts as a second factor only once a code from the app confirms it.
   */
  async startTotp(user: SessionUser): Promise<{ secret: string; uri: string }> {
    this.requireRole(user);
    const k = this.db.kysely;
    const confirmed = await k
      .selectFrom('totp_secrets')
      .select('user_id')
      .where('user_id', '=', user.id)
      .where('confirmed_at', 'is not', null)
      .executeTakeFirst();
    if (confirmed)
      throw new MedproofError(
        'TOTP_ALREADY_SET_UP',
        'an authenticator app is set up already: remove it first',
      );
    const secret = newTotpSecret();
    await k.deleteFrom('totp_secrets').where('user_id', '=', user.id).execute();
    await k
      .insertInto('totp_secrets')
      .values({
        user_id: user.id,
        secret_sealed: sealText(this.masterKey, secret, `totp:${user.id}`),
        confirmed_at: null,
        last_step: 0,
        created_at: Date.now(),
      })
      .execute();
    return { secret, uri: totpUri(secret, user.email, this.rp.name) };
  }

  /** Confirms the unconfirmed secret with a code from the app (throttled like any code). */
  async confirmTotp(
    current: CurrentSession,
    actor: Actor,
    code: string,
    policy: SessionPolicy,
    now = Date.now(),
  ): Promise<Enrolled> {
    this.requireRole(current.user);
    return this.withCodeThrottle(current.user.id, actor, 'totp', async (trx) => {
      const ok = await this.acceptTotp(trx, current.user.id, code, now, false);
      if (!ok) return undefined;
      await trx
        .updateTable('totp_secrets')
        .set({ confirmed_at: now })
        .where('user_id', '=', current.user.id)
        .execute();
      await appendAudit(trx, { ...auditActor(actor), action: 'auth.totp-enabled', outcome: 'success' });
      return this.afterEnrolment(trx, current, actor, policy);
    });
  }

  async removeTotp(actor: Actor & { id: string; role: Role }): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      const r = await trx.deleteFrom('totp_secrets').where('user_id', '=', actor.id).executeTakeFirst();
      if (Number(r.numDeletedRows) !== 1)
        throw new MedproofError('NOT_FOUND', 'no authenticator app is set up');
      await this.keepOneFactor(trx, actor);
      await appendAudit(trx, { ...auditActor(actor), action: 'auth.totp-removed', outcome: 'success' });
    });
  }

  /** New recovery codes, replacing every old one; shown once, stored hashed. */
  async regenerateRecoveryCodes(actor: Actor & { id: string }): Promise<string[]> {
    return this.db.kysely.transaction().execute(async (trx) => {
      if (!(await hasFactor(trx, actor.id)))
        throw new MedproofError(
          'SECOND_FACTOR_ENROLLMENT_REQUIRED',
          'set up a passkey or authenticator app first',
        );
      return this.replaceRecoveryCodes(trx, actor);
    });
  }

  // ── signing ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Checks a doctor's passkey assertion over `challenge` (a document's leaf, base64url) as a sign-in
   * assertion is checked (origin, relying party, stored key, counter moving forward); the credential
   * id when it is one of `userId`'s passkeys, else undefined.
   */
  async verifySigningAssertion(
    userId: string,
    response: AuthenticationResponseJSON,
    challenge: string,
  ): Promise<string | undefined> {
    const row = await this.verifyAssertion(response, challenge, false);
    return row && row.user_id === userId ? row.id : undefined;
  }

  // ── the second sign-in step ──────────────────────────────────────────────────────────────────

  /** Options for asserting one of the signed-in user's passkeys. */
  async assertionOptions(
    user: SessionUser,
  ): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    return this.passkeyAssertionOptions(user, 'second-factor');
  }

  /** The second step with a passkey: the assertion must be by one of this user's credentials. */
  async passWithPasskey(
    current: CurrentSession,
    actor: Actor,
    challengeId: string,
    response: AuthenticationResponseJSON,
    policy: SessionPolicy,
  ): Promise<NewSession> {
    const challenge = await consumeChallenge(this.db.kysely, challengeId, 'second-factor', current.user.id);
    const row = challenge ? await this.verifyAssertion(response, challenge, false) : undefined;
    if (!row || row.user_id !== current.user.id) {
      await this.failed(actor, 'passkey');
      throw invalid();
    }
    return this.db.kysely
      .transaction()
      .execute((trx) => this.upgrade(trx, current, actor, 'passkey', policy, row.id));
  }

  async passWithTotp(
    current: CurrentSession,
    actor: Actor,
    code: string,
    policy: SessionPolicy,
    now = Date.now(),
  ): Promise<NewSession> {
    return this.withCodeThrottle(current.user.id, actor, 'totp', async (trx) =>
      (await this.acceptTotp(trx, current.user.id, code, now, true))
        ? this.upgrade(trx, current, actor, 'totp', policy)
        : undefined,
    );
  }

  /** A recovery code works once: the guarded update is what makes it so, even under concurrency. */
  async passWithRecoveryCode(
    current: CurrentSession,
    actor: Actor,
    code: string,
    policy: SessionPolicy,
  ): Promise<NewSession> {
    return this.withCodeThrottle(current.user.id, actor, 'recovery-code', async (trx) => {
      const used = await trx
        .updateTable('recovery_codes')
        .set({ used_at: Date.now() })
        .where('user_id', '=', current.user.id)
        .where('code_hash', '=', hashRecoveryCode(code))
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) return undefined;
      return this.upgrade(trx, current, actor, 'recovery-code', policy);
    });
  }

  // ── step-up: confirming it is still you before a security change ─────────────────────────────

  /** Options for confirming a signed-in session with one of its user's passkeys. */
  async stepUpOptions(
    user: SessionUser,
  ): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    this.requireRole(user);
    return this.passkeyAssertionOptions(user, 'step-up');
  }

  /** WebAuthn request options allowing any of the user's passkeys, with a challenge stored for `purpose`. */
  private async passkeyAssertionOptions(
    user: SessionUser,
    purpose: 'second-factor' | 'step-up',
  ): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    const rows = await this.db.kysely
      .selectFrom('webauthn_credentials')
      .select(['id', 'transports'])
      .where('user_id', '=', user.id)
      .execute();
    const options = await generateAuthenticationOptions({
      rpID: this.rp.id,
      allowCredentials: rows.map((c) => ({ id: c.id, transports: transportsOf(c) })),
      userVerification: 'preferred',
    });
    const challengeId = await issueChallenge(this.db.kysely, options.challenge, purpose, user.id);
    return { challengeId, options };
  }

  /** Step-up with the password: throttled with the account's codes (one guessing budget per account). */
  async stepUpWithPassword(current: CurrentSession, actor: Actor, password: string): Promise<number> {
    this.requireRole(current.user);
    const wrong = () =>
      new MedproofError('WRONG_CURRENT_PASSWORD', 'the password is wrong', { field: 'password' });
    return this.withCodeThrottle(
      current.user.id,
      actor,
      'password',
      async (trx) => {
        const row = await trx
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', current.user.id)
          .executeTakeFirst();
        if (!(await verifyPassword(row?.password_hash, password))) return undefined;
        return this.confirmed(trx, current, actor, 'password');
      },
      { action: 'auth.step-up', error: wrong },
    );
  }

  async stepUpWithTotp(
    current: CurrentSession,
    actor: Actor,
    code: string,
    now = Date.now(),
  ): Promise<number> {
    this.requireRole(current.user);
    return this.withCodeThrottle(
      current.user.id,
      actor,
      'totp',
      async (trx) =>
        (await this.acceptTotp(trx, current.user.id, code, now, true))
          ? this.confirmed(trx, current, actor, 'totp')
          : undefined,
      { action: 'auth.step-up' },
    );
  }

  async stepUpWithPasskey(
    current: CurrentSession,
    actor: Actor,
    challengeId: string,
    response: AuthenticationResponseJSON,
  ): Promise<number> {
    this.requireRole(current.user);
    const challenge = await consumeChallenge(this.db.kysely, challengeId, 'step-up', current.user.id);
    const row = challenge ? await this.verifyAssertion(response, challenge, false) : undefined;
    if (!row || row.user_id !== current.user.id) {
      await this.failed(actor, 'passkey', 'auth.step-up');
      throw invalid();
    }
    return this.db.kysely
      .transaction()
      .execute((trx) => this.confirmed(trx, current, actor, 'passkey', row.id));
  }

  /**
   * An admin's answer to a lost phone or passkey: every passkey, authenticator app and recovery code of
   * another doctor or admin goes, and so do their sessions; their next sign-in asks them to enrol again
   * (the password still comes first). Audited with what was removed; never one's own account.
   */
  async resetFactors(actor: Actor & { id: string }, userId: string): Promise<FactorsReset> {
    if (userId === actor.id)
      throw new MedproofError(
        'CANNOT_RESET_OWN_SECOND_FACTOR',
        'you cannot reset your own second factors: another admin can',
      );
    return this.db.kysely.transaction().execute(async (trx) => {
      const user = await trx.selectFrom('users').select('role').where('id', '=', userId).executeTakeFirst();
      if (!user || !SECOND_FACTOR_ROLES.includes(user.role))
        throw new MedproofError('NOT_FOUND', 'no doctor or admin with this id');
      const passkeys = await trx
        .deleteFrom('webauthn_credentials')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const totp = await trx
        .deleteFrom('totp_secrets')
        .where('user_id', '=', userId)
        .where('confirmed_at', 'is not', null)
        .executeTakeFirst();
      await trx.deleteFrom('totp_secrets').where('user_id', '=', userId).execute();
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await trx.deleteFrom('webauthn_challenges').where('user_id', '=', userId).execute();
      await destroyUserSessions(trx, userId);
      // Keys that may be lost or stolen sign nothing more: the doctor's next term lists none of them.
      if (user.role === 'doctor') await renewIssuerProfile(trx, userId);
      const done = { passkeys: Number(passkeys.numDeletedRows), totp: Number(totp.numDeletedRows) === 1 };
      await appendAudit(trx, {
        ...auditActor(actor),
        action: 'auth.second-factor-reset',
        outcome: 'success',
        details: { userId, ...done },
      });
      // Told at once, by mail: if they did not ask for it, someone is about to enrol in their name.
      await enqueueNotification(trx, this.masterKey, {
        kind: 'second-factor.reset',
        userId,
        channel: 'email',
      });
      return done;
    });
  }

  // ── a passkey alone ──────────────────────────────────────────────────────────────────────────

  /** Options for signing in with a discoverable passkey: no account named, user verification required. */
  async passkeySignInOptions(): Promise<{
    challengeId: string;
    options: PublicKeyCredentialRequestOptionsJSON;
  }> {
    const options = await generateAuthenticationOptions({ rpID: this.rp.id, userVerification: 'required' });
    const challengeId = await issueChallenge(this.db.kysely, options.challenge, 'passkey-sign-in', null);
    return { challengeId, options };
  }

  /**
   * Signs in with a passkey alone: possession of the key and the user's verification on it (PIN or
   * biometrics) are two factors by themselves, so the session is full at once. A disabled account,
   * an unknown credential and a bad signature answer alike.
   */
  async signInWithPasskey(
    challengeId: string,
    response: AuthenticationResponseJSON,
    ip: string,
    policy: SessionPolicy,
  ): Promise<{ session: NewSession; user: SessionUser }> {
    const challenge = await consumeChallenge(this.db.kysely, challengeId, 'passkey-sign-in', null);
    const row = challenge ? await this.verifyAssertion(response, challenge, true) : undefined;
    const user = row
      ? await this.db.kysely
          .selectFrom('users')
          .select(['id', 'role', 'name', 'email', 'status'])
          .where('id', '=', row.user_id)
          .executeTakeFirst()
      : undefined;
    const handle = response.response.userHandle;
    const handleOk =
      user !== undefined &&
      (handle === undefined || new TextDecoder().decode(isoBase64URL.toBuffer(handle)) === user.id);
    if (!user || !handleOk || user.status !== 'active') {
      await this.audit.append({
        actorId: user?.id ?? null,
        actorRole: user?.role ?? 'anonymous',
        action: 'auth.login',
        outcome: 'failure',
        ip,
        details: { method: 'passkey' },
      });
      throw invalid();
    }
    const sessionUser: SessionUser = { id: user.id, role: user.role, name: user.name, email: user.email };
    const session = await this.db.kysely.transaction().execute(async (trx) => {
      await appendAudit(trx, {
        actorId: user.id,
        actorRole: user.role,
        action: 'auth.login',
        outcome: 'success',
        ip,
        details: { method: 'passkey', credentialId: row!.id },
      });
      return createSession(trx, user.id, ip, policy, 'full');
    });
    return { session, user: sessionUser };
  }

  // ── inside ───────────────────────────────────────────────────────────────────────────────────

  private requireRole(user: { role: Role }): void {
    if (!SECOND_FACTOR_ROLES.includes(user.role))
      throw new MedproofError('FORBIDDEN', 'second factors are for doctors and admins');
  }

  /**
   * Verifies an assertion against the stored credential it names, then moves its signature counter
   * forward with a guard on the old value: a cloned authenticator replaying an old counter loses.
   */
  private async verifyAssertion(
    response: AuthenticationResponseJSON,
    challenge: string,
    requireUserVerification: boolean,
  ): Promise<WebauthnCredentialsTable | undefined> {
    const row = await this.db.kysely
      .selectFrom('webauthn_credentials')
      .selectAll()
      .where('id', '=', response.id)
      .executeTakeFirst();
    if (!row) return undefined;
    // Only the assertion's own check may fail quietly (a bad assertion is "not accepted"); a database
    // failure below must surface as one (503), not as a rejected signature.
    let newCounter: number;
    try {
      const v = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.id,
        credential: credentialOf(row),
        requireUserVerification,
      });
      if (!v.verified) return undefined;
      newCounter = v.authenticationInfo.newCounter;
    } catch {
      return undefined;
    }
    // The counter only moves forward (a cloned authenticator replays a lower one). Guarded on the
    // stored value being below the new one, so two assertions checked at once cannot both pass with
    // the same counter; authenticators that keep no counter (always 0) are not compared.
    const moved = await this.db.kysely
      .updateTable('webauthn_credentials')
      .set({ counter: newCounter, last_used_at: Date.now() })
      .where('id', '=', row.id)
      .where('counter', newCounter === 0 ? '=' : '<', newCounter)
      .executeTakeFirst();
    return Number(moved.numUpdatedRows) === 1 ? row : undefined;
  }

  /**
   * Checks a TOTP code against the stored secret (confirmed or not, as asked) and records its step,
   * guarded on the last step: the same code cannot pass twice, even in two concurrent requests.
   */
  private async acceptTotp(
    trx: Executor,
    userId: string,
    code: string,
    now: number,
    confirmed: boolean,
  ): Promise<boolean> {
    const row = await trx
      .selectFrom('totp_secrets')
      .select(['secret_sealed', 'last_step', 'confirmed_at'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row || (row.confirmed_at !== null) !== confirmed) return false;
    const step = totpStepOf(
      unsealText(this.masterKey, row.secret_sealed, `totp:${userId}`),
      code.trim(),
      now,
    );
    if (step === null || step <= Number(row.last_step)) return false;
    const r = await trx
      .updateTable('totp_secrets')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where('last_step', '=', row.last_step)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * Runs a code check under the user's code throttle: reserved first (429 past the limit), forgiven
   * when the check passes; a failed check is audited and answered SECOND_FACTOR_INVALID.
   */
  private async withCodeThrottle<T>(
    userId: string,
    actor: Actor,
    method: SecondFactorMethod | StepUpMethod,
    check: (trx: Executor) => Promise<T | undefined>,
    o: { action?: FailedAction; error?: () => MedproofError } = {},
  ): Promise<T> {
    const rule = codeRule(userId);
    const r = await this.db.kysely
      .transaction()
      .execute((trx) => reserveAttempt(trx, this.db.dialect, [rule]));
    if (!r.allowed)
      throw new MedproofError('LOGIN_THROTTLED', 'too many wrong codes: try again later', {
        retryAfterSeconds: Math.max(1, Math.ceil(r.retryAfterMs / 1000)),
      });
    const result = await this.db.kysely.transaction().execute(async (trx) => {
      const passed = await check(trx);
      if (passed !== undefined) await clearThrottle(trx, [rule.key]);
      return passed;
    });
    if (result === undefined) {
      await this.failed(actor, method, o.action);
      throw (o.error ?? invalid)();
    }
    return result;
  }

  private failed(
    actor: Actor,
    method: SecondFactorMethod | StepUpMethod,
    action: FailedAction = 'auth.second-factor',
  ): Promise<void> {
    return this.audit.append({
      ...auditActor(actor),
      action,
      outcome: 'failure',
      details: { method },
    });
  }

  /** A step-up passed: the session is confirmed now, audited; answers until when it counts. */
  private async confirmed(
    trx: Executor,
    current: CurrentSession,
    actor: Actor,
    method: StepUpMethod,
    credentialId?: string,
  ): Promise<number> {
    const now = Date.now();
    await markConfirmed(trx, current.idHash, now);
    await appendAudit(trx, {
      ...auditActor(actor),
      action: 'auth.step-up',
      outcome: 'success',
      details: { method, ...(credentialId ? { credentialId } : {}) },
    });
    return now + STEP_UP_MS;
  }

  /** Replaces the pending session by a new full one (a new id at every change of privilege). */
  private async upgrade(
    trx: Executor,
    current: CurrentSession,
    actor: Actor,
    method: SecondFactorMethod,
    policy: SessionPolicy,
    credentialId?: string,
  ): Promise<NewSession> {
    // The routes reach this only from a pending session; a full one has nothing to upgrade.
    if (current.stage === 'full') throw new MedproofError('FORBIDDEN', 'this session is signed in already');
    await destroySession(trx, current.idHash);
    await appendAudit(trx, {
      ...auditActor(actor),
      action: 'auth.second-factor',
      outcome: 'success',
      details: { method, ...(credentialId ? { credentialId } : {}) },
    });
    return createSession(trx, current.user.id, actor.ip, policy, 'full');
  }

  /** After a factor was added: the first one ends the enrolment (full session, recovery codes once). */
  private async afterEnrolment(
    trx: Executor,
    current: CurrentSession,
    actor: Actor,
    policy: SessionPolicy,
  ): Promise<Enrolled> {
    const left = await trx
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', current.user.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    const recoveryCodes = left ? undefined : await this.replaceRecoveryCodes(trx, actor);
    if (current.stage !== 'enroll') return recoveryCodes ? { recoveryCodes } : {};
    await destroySession(trx, current.idHash);
    const session = await createSession(trx, current.user.id, actor.ip, policy, 'full');
    return { session, ...(recoveryCodes ? { recoveryCodes } : {}) };
  }

  private async replaceRecoveryCodes(trx: Executor, actor: Actor): Promise<string[]> {
    const userId = actor.id!;
    const codes = newRecoveryCodes();
    const now = Date.now();
    await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await trx
      .insertInto('recovery_codes')
      .values(
        codes.map((c) => ({
          user_id: userId,
          code_hash: hashRecoveryCode(c),
          created_at: now,
          used_at: null,
        })),
      )
      .execute();
    await appendAudit(trx, {
      ...auditActor(actor),
      action: 'auth.recovery-codes-created',
      outcome: 'success',
      details: { count: codes.length },
    });
    return codes;
  }

  /** Inside a removal's transaction: a doctor or admin keeps at least one passkey or TOTP app. */
  private async keepOneFactor(trx: Executor, actor: { id: string; role: Role }): Promise<void> {
    if (SECOND_FACTOR_ROLES.includes(actor.role) && !(await hasFactor(trx, actor.id)))
      throw new MedproofError(
        'LAST_SECOND_FACTOR',
        'this is your last passkey or authenticator app: add another before removing it',
      );
  }
}

/** The audit action a failed code check is written under: the sign-in step, or a step-up. */
type FailedAction = 'auth.second-factor' | 'auth.step-up';

const auditActor = (actor: Actor) => ({
  actorId: actor.id,
  actorRole: actor.role,
  ip: actor.ip,
});

/** A passkey or a confirmed TOTP secret (recovery codes are a way back in, not a factor of their own). */
async function hasFactor(db: Executor, userId: string): Promise<boolean> {
  const passkey = await db
    .selectFrom('webauthn_credentials')
    .select('id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (passkey) return true;
  const totp = await db
    .selectFrom('totp_secrets')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst();
  return totp !== undefined;
}
