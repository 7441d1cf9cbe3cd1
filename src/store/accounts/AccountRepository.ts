import { createHash, randomUUID } from 'node:crypto';
import type { Address } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { enqueueChainOp } from '../chainOps/chainOpsQueue.js';
import {
  MedproofError,
  checkPasswordPolicy,
  maskPatientId,
  patientRef,
  type InstitutionName,
  type PatientId,
} from '../../core/index.js';
import { commitmentOf, newIssuerProfile, storedIssuerProfile } from './issuerProfileFor.js';
import { renewIssuerProfile } from './renewIssuerProfile.js';
import type { Actor } from '../audit/Actor.js';
import { appendAudit } from '../audit/appendAudit.js';
import type { AuditWriter } from '../audit/AuditWriter.js';
import { sealText } from '../crypto/keyWrap.js';
import type { Db, Executor } from '../db/Db.js';
import { isUniqueViolation } from '../db/isUniqueViolation.js';
import type { Role, SessionStage } from '../db/schema.js';
import { SecondFactorRepository } from '../secondFactor/SecondFactorRepository.js';
import { clearThrottle, reserveAttempt, type ThrottleRule } from './loginThrottle.js';
import { HELD_ACCOUNT_ID } from './heldAccount.js';
import { hashPassword, verifyPassword } from './passwordHash.js';
import { startPatientIdProof } from './PatientIdProof.js';
import { createSession, destroySession, destroyUserSessions, type SessionPolicy } from './sessions.js';

export type NewAccount =
  | { readonly role: 'admin'; readonly email: string; readonly name: string; readonly password: string }
  | {
      readonly role: 'doctor';
      readonly email: string;
      readonly name: string;
      readonly password: string;
      readonly registrationNumber: string;
      /** The registering council (e.g. MMC); default NMC. Part of the public issuer profile. */
      readonly council?: string;
      /** The doctor's own address; default: a fresh one whose key is never kept (the portal anchors for them). */
      readonly issuerAddress?: Address;
    }
  | {
      readonly role: 'patient';
      readonly email: string;
      readonly name: string;
      readonly password: string;
      readonly patientId: PatientId;
      readonly dateOfBirth: string;
    };

export interface CreatedAccount {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly issuerAddress?: Address;
  readonly registrationNumber?: string;
  readonly patientIdMasked?: string;
  readonly patientIdKind?: string;
}

export interface UserSummary {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly status: 'active' | 'disabled';
  readonly createdAt: number;
}

/** How an account came to be, for its audit row. */
export type AccountOrigin = 'setup' | 'admin' | 'registration' | 'cli';

// Per account and address: 5 attempts in 15 minutes, then that address waits out the window.
const PAIR_RULE = { max: 5, windowMs: 15 * 60_000 } as const;
// Per account from anywhere: 5, then one attempt at a time, 1 s apart doubling to 60 s: a distributed
// guesser gets a few dozen tries an hour; the real owner waits a minute at most, never 15.
const ACCOUNT_RULE = {
  max: 5,
  windowMs: 15 * 60_000,
  slowdown: { baseDelayMs: 1_000, maxDelayMs: 60_000 },
} as const;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const normaliseEmail = (email: string) => email.trim().toLowerCase();
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Accounts: the one place that creates users (setup, admins creating doctors, patient registration,
 * `medproof user add`), checks passwords under a throttle reserved before the slow hash, changes
 * passwords and account status. Every change commits with its audit row.
 */
export class AccountRepository {
  constructor(
    private readonly db: Db,
    private readonly secrets: {
      readonly masterKey: Uint8Array;
      readonly patientRefSecret: Uint8Array;
      /** Named in every doctor's public issuer profile (registry v2). */
      readonly institution: InstitutionName;
    },
    private readonly audit: AuditWriter,
  ) {}

  /**
   * Creates an account after checking the email and the password policy. Duplicate emails are found by
   * the database's unique constraint inside the transaction (two registrations racing cannot both win)
   * and answered ALREADY_REGISTERED. A patient's id is only CLAIMED here, whether or not others claim or
   * own it (the same answer and the same work either way, so registration tells no one whether an id
   * exists); the code that proves it goes to the id itself, through the outbox.
   * `within` runs in the same transaction first (the setup route consumes its one-time token there).
   */
  async createAccount(
    input: NewAccount,
    by: Actor,
    origin: AccountOrigin,
    within?: (trx: Executor) => Promise<void>,
  ): Promise<CreatedAccount> {
    const email = normaliseEmail(input.email);
    if (!EMAIL_RE.test(email) || email.length > 254)
      throw new MedproofError('BAD_EMAIL', 'not an email address', { field: 'email' });
    const name = input.name.trim();
    if (name.length < 1 || name.length > 200)
      throw new MedproofError('VALIDATION_FAILED', 'name must be 1-200 characters', { field: 'name' });
    checkPasswordPolicy(input.password, email);
    const passwordHash = await hashPassword(input.password);
    const id = randomUUID();
    const now = Date.now();
    const created: CreatedAccount & { issuerAddress?: Address } = {
      id,
      email,
      name,
      role: input.role,
      ...(input.role === 'doctor'
        ? {
            issuerAddress: input.issuerAddress ?? privateKeyToAddress(generatePrivateKey()),
            registrationNumber: input.registrationNumber.trim(),
          }
        : {}),
      ...(input.role === 'patient'
        ? { patientIdMasked: maskPatientId(input.patientId), patientIdKind: input.patientId.kind }
        : {}),
    };
    try {
      await this.db.kysely.transaction().execute(async (trx) => {
        await within?.(trx);
        await trx
          .insertInto('users')
          .values({
            id,
            email,
            password_hash: passwordHash,
            role: input.role,
            name,
            status: 'active',
            created_at: now,
            updated_at: now,
          })
          .execute();
        if (input.role === 'doctor') {
          const { profile, commitment } = newIssuerProfile(
            {
              name,
              registrationNumber: created.registrationNumber!,
              ...(input.council !== undefined ? { council: input.council } : {}),
            },
            this.secrets.institution,
          );
          await trx
            .insertInto('doctors')
            .values({
              user_id: id,
              registration_number: created.registrationNumber!,
              issuer_address: created.issuerAddress!,
              issuer_profile: JSON.stringify(profile),
            })
            .execute();
          // A term on chain (v1: ISSUER_ROLE), through the outbox: by the running (or next) `medproof start`.
          await enqueueChainOp(trx, {
            kind: 'enroll_issuer',
            address: created.issuerAddress!,
            profile: commitment,
          });
        }
        if (input.role === 'patient') {
          const { masterKey, patientRefSecret } = this.secrets;
          await trx
            .insertInto('patients')
            .values({
              user_id: id,
              // Unique while unproven too, but never the id's: proof swaps in claimed_ref.
              patient_ref: `claim:${id}`,
              claimed_ref: patientRef(patientRefSecret, input.patientId),
              id_proven_at: null,
              id_proven_via: null,
              id_kind: input.patientId.kind,
              id_sealed: sealText(masterKey, input.patientId.normalised, `patient-id:${id}`),
              id_masked: created.patientIdMasked!,
              dob_sealed: sealText(masterKey, input.dateOfBirth, `dob:${id}`),
            })
            .execute();
          await startPatientIdProof(trx, this.secrets, id, input.patientId.normalised, now);
        }
        await appendAudit(trx, {
          actorId: by.id ?? (origin === 'registration' || origin === 'setup' ? id : null),
          actorRole: by.role === 'anonymous' ? input.role : by.role,
          action: 'user.created',
          outcome: 'success',
          ...(input.role === 'patient' ? { subjectId: id } : {}),
          ip: by.ip,
          details: { role: input.role, userId: id, via: origin },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        // One answer for a taken email, patient id or issuer address: none is confirmed to a stranger.
        throw new MedproofError(
          'ALREADY_REGISTERED',
          input.role === 'patient'
            ? 'an account with this email exists already'
            : 'an account with this email (or issuer address) exists already',
        );
      }
      throw error;
    }
    return created;
  }

  /**
   * Signs in: the attempt is reserved under the account's and the address's throttle first (429
   * LOGIN_THROTTLED with Retry-After), then the password is checked (constant work for unknown
   * accounts). An unknown account, a wrong password and a disabled account answer identically.
   */
  async signIn(
    emailInput: string,
    password: string,
    ip: string,
    policy: SessionPolicy,
  ): Promise<{ session: { id: string; csrfToken: string }; user: UserSummary; stage: SessionStage }> {
    const email = normaliseEmail(emailInput);
    const account = `acct:${sha256(email)}`;
    const rules: ThrottleRule[] = [
      { key: account, ...ACCOUNT_RULE },
      { key: `pair:${sha256(`${email}|${ip}`)}`, ...PAIR_RULE },
    ];
    await this.reserve(rules);
    const user = await this.db.kysely
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirst();
    const passwordOk = await verifyPassword(user?.password_hash, password);
    if (!user || !passwordOk || user.status !== 'active') {
      await this.audit.append({
        actorId: user?.id ?? null,
        actorRole: user?.role ?? 'anonymous',
        action: 'auth.login',
        outcome: 'failure',
        ip,
      });
      throw new MedproofError('INVALID_CREDENTIALS', 'email or password is wrong');
    }
    const { session, stage } = await this.db.kysely.transaction().execute(async (trx) => {
      await clearThrottle(
        trx,
        rules.map((r) => r.key),
      );
      // Doctors and admins get a pending session: the password alone reaches only the second step.
      const stage = await SecondFactorRepository.stageAfterPassword(trx, user);
      await appendAudit(trx, {
        actorId: user.id,
        actorRole: user.role,
        action: 'auth.login',
        outcome: 'success',
        ip,
        ...(stage === 'full' ? {} : { details: { method: 'password', next: stage } }),
      });
      return { session: await createSession(trx, user.id, ip, policy, stage), stage };
    });
    return { session, user: summary(user), stage };
  }

  /**
   * Changes a signed-in user's password: throttled like sign-in (per user), a wrong current password is
   * audited, and every session of the user ends; a new one is returned for the caller.
   */
  async changePassword(
    actor: Actor & { id: string },
    current: string,
    next: string,
    policy: SessionPolicy,
  ): Promise<{ id: string; csrfToken: string }> {
    const rules: ThrottleRule[] = [{ key: `pwd:${actor.id}`, ...PAIR_RULE }];
    await this.reserve(rules);
    const user = await this.db.kysely
      .selectFrom('users')
      .select(['password_hash', 'email'])
      .where('id', '=', actor.id)
      .executeTakeFirstOrThrow();
    if (!(await verifyPassword(user.password_hash, current))) {
      await this.audit.append({
        actorId: actor.id,
        actorRole: actor.role,
        action: 'auth.password-changed',
        outcome: 'failure',
        ip: actor.ip,
        details: { reason: 'wrong-current-password' },
      });
      throw new MedproofError('WRONG_CURRENT_PASSWORD', 'current password is wrong', {
        field: 'currentPassword',
      });
    }
    checkPasswordPolicy(next, user.email, 'newPassword');
    const hash = await hashPassword(next);
    return this.db.kysely.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ password_hash: hash, updated_at: Date.now() })
        .where('id', '=', actor.id)
        .execute();
      await destroyUserSessions(trx, actor.id);
      await clearThrottle(
        trx,
        rules.map((r) => r.key),
      );
      await appendAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'auth.password-changed',
        outcome: 'success',
        ip: actor.ip,
      });
      return createSession(trx, actor.id, actor.ip, policy);
    });
  }

  /** Every account, for an admin; the listing itself is audited. */
  async listUsers(actor: Actor): Promise<UserSummary[]> {
    const rows = await this.db.kysely
      .selectFrom('users')
      .selectAll()
      .where('id', '!=', HELD_ACCOUNT_ID)
      .orderBy('created_at')
      .execute();
    await this.audit.append({
      actorId: actor.id,
      actorRole: actor.role,
      action: 'user.listed',
      outcome: 'success',
      ip: actor.ip,
      details: { count: rows.length },
    });
    return rows.map(summary);
  }

  /** Disables or enables an account; disabling ends its sessions at once. NOT_FOUND for an unknown id. */
  async setStatus(
    actor: Actor & { id: string },
    userId: string,
    status: 'active' | 'disabled',
  ): Promise<void> {
    if (userId === actor.id)
      throw new MedproofError('CANNOT_DISABLE_SELF', 'you cannot change your own account status');
    if (userId === HELD_ACCOUNT_ID) throw new MedproofError('NOT_FOUND', 'no such user');
    await this.db.kysely.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('users')
        .leftJoin('doctors', 'doctors.user_id', 'users.id')
        .select(['users.status', 'doctors.issuer_address', 'doctors.issuer_profile'])
        .where('users.id', '=', userId)
        .executeTakeFirst();
      // Guarded on the status read: of two admins racing, only the one that changes it moves the term.
      const r = await trx
        .updateTable('users')
        .set({ status, updated_at: Date.now() })
        .where('id', '=', userId)
        .where('status', '=', before?.status ?? status)
        .executeTakeFirst();
      if (!before || Number(r.numUpdatedRows) === 0) throw new MedproofError('NOT_FOUND', 'no such user');
      if (status === 'disabled') await destroyUserSessions(trx, userId);
      if (before.issuer_address && before.status !== status) {
        // A disabled doctor's term ends on chain: what they issued before stays valid, nothing after.
        const address = before.issuer_address as Address;
        const profile = storedIssuerProfile(before.issuer_profile);
        if (status === 'disabled') await enqueueChainOp(trx, { kind: 'retire_issuer', address });
        else if (profile)
          await enqueueChainOp(trx, { kind: 'enroll_issuer', address, profile: commitmentOf(profile) });
      }
      await appendAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: status === 'disabled' ? 'user.disabled' : 'user.enabled',
        outcome: 'success',
        ip: actor.ip,
        details: { userId },
      });
    });
  }

  /**
   * Renews a doctor's public profile after their name, registration or council changed: a new term on
   * chain (through the outbox) commits to it; documents anchored before keep the earlier profile.
   * Audited; NOT_FOUND for anyone who is not a doctor with a profile.
   */
  async renewDoctorProfile(
    actor: Actor & { id: string },
    doctorId: string,
    change: { name?: string; registrationNumber?: string; council?: string },
  ): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      const clean = Object.fromEntries(
        Object.entries(change)
          .map(([k, v]) => [k, v?.trim()])
          .filter(([, v]) => v),
      ) as typeof change;
      const exists = await trx
        .selectFrom('doctors')
        .select('issuer_profile')
        .where('user_id', '=', doctorId)
        .executeTakeFirst();
      if (!exists?.issuer_profile) throw new MedproofError('NOT_FOUND', 'no such doctor');
      const next = await renewIssuerProfile(trx, doctorId, clean);
      if (clean.name)
        await trx.updateTable('users').set({ name: clean.name }).where('id', '=', doctorId).execute();
      if (clean.registrationNumber)
        await trx
          .updateTable('doctors')
          .set({ registration_number: clean.registrationNumber })
          .where('user_id', '=', doctorId)
          .execute();
      await appendAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'doctor.profile-renewed',
        outcome: 'success',
        ip: actor.ip,
        details: { doctorId, changed: Object.keys(clean), newTerm: next !== undefined },
      });
    });
  }

  /**
   * Reports a doctor's issuing key compromised from `fromSeconds` (unix, not after the chain's now): on chain,
   * documents anchored from then on read ISSUER_COMPROMISED and the term ends; earlier ones keep their
   * standing. Audited; NOT_FOUND for anyone who is not a doctor.
   */
  async markCompromised(actor: Actor & { id: string }, doctorId: string, fromSeconds: number): Promise<void> {
    // A point in the future is refused by the registry itself (against the chain's clock, not ours).
    if (!Number.isSafeInteger(fromSeconds) || fromSeconds <= 0)
      throw new MedproofError('VALIDATION_FAILED', 'the compromise point must be a past time', {
        field: 'from',
      });
    await this.db.kysely.transaction().execute(async (trx) => {
      const d = await trx
        .selectFrom('doctors')
        .select('issuer_address')
        .where('user_id', '=', doctorId)
        .executeTakeFirst();
      if (!d) throw new MedproofError('NOT_FOUND', 'no such doctor');
      await enqueueChainOp(trx, {
        kind: 'mark_compromised',
        address: d.issuer_address as Address,
        from: fromSeconds,
      });
      await appendAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'issuer.compromised',
        outcome: 'success',
        ip: actor.ip,
        details: { userId: doctorId, from: fromSeconds },
      });
    });
  }

  /** What the UI shows of the signed-in user's own account: never the patient id itself, only its masked form. */
  async profileOf(user: { id: string; role: Role }): Promise<{
    patient?: { patientIdMasked: string; patientIdKind: string; idProven: boolean };
    doctor?: { registrationNumber: string; issuerAddress: string };
  }> {
    const db = this.db.kysely;
    if (user.role === 'patient') {
      const p = await db
        .selectFrom('patients')
        .select(['id_masked', 'id_kind', 'id_proven_at'])
        .where('user_id', '=', user.id)
        .executeTakeFirst();
      return p
        ? {
            patient: {
              patientIdMasked: p.id_masked,
              patientIdKind: p.id_kind,
              idProven: p.id_proven_at !== null,
            },
          }
        : {};
    }
    if (user.role === 'doctor') {
      const d = await db
        .selectFrom('doctors')
        .select(['registration_number', 'issuer_address'])
        .where('user_id', '=', user.id)
        .executeTakeFirst();
      return d
        ? { doctor: { registrationNumber: d.registration_number, issuerAddress: d.issuer_address } }
        : {};
    }
    return {};
  }

  /** Active doctors, for patients choosing whom to ask. */
  async activeDoctors(): Promise<{ id: string; name: string; registrationNumber: string }[]> {
    const rows = await this.db.kysely
      .selectFrom('doctors')
      .innerJoin('users', 'users.id', 'doctors.user_id')
      .select(['users.id', 'users.name', 'doctors.registration_number'])
      .where('users.status', '=', 'active')
      .orderBy('users.name')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, registrationNumber: r.registration_number }));
  }

  /** Ends one session (sign-out), audited. */
  async signOut(actor: Actor & { id: string }, sessionIdHash: string): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      await destroySession(trx, sessionIdHash);
      await appendAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'auth.logout',
        outcome: 'success',
        ip: actor.ip,
      });
    });
  }

  /** Ends every session of the caller (the one asking too), audited: a lost phone, a shared computer. */
  async signOutEverywhere(actor: Actor & { id: string }): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      await destroyUserSessions(trx, actor.id);
      await appendAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'auth.logout-everywhere',
        outcome: 'success',
        ip: actor.ip,
      });
    });
  }

  /**
   * The setup route's guard, run inside createAccount's transaction: consumes the one-time token
   * (guarded: used once, unexpired) and refuses when an admin exists already.
   */
  static consumeSetupToken(token: string) {
    return async (trx: Executor): Promise<void> => {
      const now = Date.now();
      const used = await trx
        .updateTable('setup_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', sha256(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1)
        throw new MedproofError('SETUP_TOKEN_INVALID', 'the setup token is wrong, used or expired');
      if (await trx.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirst())
        throw new MedproofError('SETUP_DONE', 'an admin exists already');
    };
  }

  /** Whether the first admin still has to be created. */
  async adminExists(): Promise<boolean> {
    const row = await this.db.kysely
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .executeTakeFirst();
    return row !== undefined;
  }

  private async reserve(rules: readonly ThrottleRule[]): Promise<void> {
    const r = await this.db.kysely
      .transaction()
      .execute((trx) => reserveAttempt(trx, this.db.dialect, rules));
    if (!r.allowed) {
      throw new MedproofError('LOGIN_THROTTLED', 'too many attempts for this account: try again later', {
        retryAfterSeconds: Math.max(1, Math.ceil(r.retryAfterMs / 1000)),
      });
    }
  }
}

function summary(u: {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: 'active' | 'disabled';
  created_at: number;
}): UserSummary {
  return { id: u.id, email: u.email, name: u.name, role: u.role, status: u.status, createdAt: u.created_at };
}
