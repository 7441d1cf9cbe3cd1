import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { enqueueChainOp } from '../../anchoring/ChainOpsWorker.js';
import type { Config } from '../../config/loadConfig.js';
import { MedproofError } from '../../core/errors/MedproofError.js';
import { checkPasswordPolicy, hashPassword } from '../../server/auth/passwords.js';
import { appendAudit } from '../../store/audit/appendAudit.js';
import { openDatabase } from '../../store/db/openDatabase.js';
import type { Output } from '../output.js';

export interface UserAddOptions {
  readonly role: string;
  readonly email: string;
  readonly name?: string;
  readonly registration?: string;
}

/** The first line of stdin (piped, or typed at the prompt). */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new MedproofError(
    'NO_PASSWORD',
    'give the password on stdin, e.g. `medproof user add … < password.txt`',
  );
}

/**
 * `medproof user add --role admin|doctor --email E`: creates an account directly in the database (no
 * portal needed), reading the password from stdin so it never shows in the process list or history.
 */
export async function userAddCommand(config: Config, out: Output, o: UserAddOptions): Promise<number> {
  if (o.role !== 'admin' && o.role !== 'doctor')
    throw new MedproofError('BAD_ROLE', '--role must be admin or doctor (patients register themselves)');
  const email = o.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new MedproofError('BAD_EMAIL', `not an email address: ${o.email}`);
  if (o.role === 'doctor' && !o.registration)
    throw new MedproofError('BAD_REGISTRATION', 'a doctor needs --registration (medical council number)');
  const password = (await readPassword()).trim();
  try {
    checkPasswordPolicy(password, email);
  } catch (error) {
    throw new MedproofError('WEAK_PASSWORD', error instanceof Error ? error.message : 'weak password');
  }
  const hash = await hashPassword(password);
  const db = await openDatabase(config.databaseUrl);
  try {
    const id = randomUUID();
    const now = Date.now();
    const name = o.name?.trim() || email.split('@')[0]!;
    const issuerAddress = o.role === 'doctor' ? privateKeyToAddress(generatePrivateKey()) : undefined;
    await db.kysely.transaction().execute(async (trx) => {
      if (await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) {
        throw new MedproofError('ALREADY_REGISTERED', `an account with ${email} exists already`);
      }
      await trx
        .insertInto('users')
        .values({
          id,
          email,
          password_hash: hash,
          role: o.role as 'admin' | 'doctor',
          name,
          status: 'active',
          created_at: now,
          updated_at: now,
        })
        .execute();
      if (issuerAddress) {
        await trx
          .insertInto('doctors')
          .values({ user_id: id, registration_number: o.registration!, issuer_address: issuerAddress })
          .execute();
        // Granted ISSUER_ROLE by the running (or next) `medproof start`.
        await enqueueChainOp(trx, { kind: 'grant_issuer', address: issuerAddress });
      }
      await appendAudit(trx, {
        actorId: null,
        actorRole: 'system',
        action: 'user.created',
        outcome: 'success',
        details: { role: o.role, userId: id, via: 'cli' },
      });
    });
    out.result(
      `created ${o.role} ${email} (${id})${issuerAddress ? `, issuer address ${issuerAddress}` : ''}`,
      { id, email, role: o.role, name, issuerAddress: issuerAddress ?? null },
    );
    return 0;
  } finally {
    await db.close();
  }
}
