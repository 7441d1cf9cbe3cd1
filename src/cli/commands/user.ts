import { createInterface } from 'node:readline';
import { institutionOf, institutionSecrets, type Config } from '../../config/index.js';
import { MedproofError } from '../../core/index.js';
import { AccountRepository, AuditWriter, openDatabase, systemActor } from '../../store/index.js';
import type { Output } from '../output.js';

export interface UserAddOptions {
  readonly role: string;
  readonly email: string;
  readonly name?: string;
  readonly registration?: string;
}

/** The first line of stdin (piped, or typed at the prompt), exactly as typed: sign-in does not trim either. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line.replace(/\r$/, '');
  }
  throw new MedproofError(
    'NO_PASSWORD',
    'give the password on stdin, e.g. `medproof user add … < password.txt`',
  );
}

/**
 * `medproof user add --role admin|doctor --email E`: creates an account directly in the database (no
 * portal needed) through the same createAccount as the portal, reading the password from stdin so it
 * never shows in the process list or history.
 */
export async function userAddCommand(config: Config, out: Output, o: UserAddOptions): Promise<number> {
  if (o.role !== 'admin' && o.role !== 'doctor')
    throw new MedproofError('BAD_ROLE', '--role must be admin or doctor (patients register themselves)');
  if (o.role === 'doctor' && !o.registration)
    throw new MedproofError('BAD_REGISTRATION', 'a doctor needs --registration (medical council number)');
  const email = o.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new MedproofError('BAD_EMAIL', `not an email address: ${o.email}`);
  const password = await readPassword();
  const db = await openDatabase(config.databaseUrl);
  try {
    const secrets = institutionSecrets(config);
    const accounts = new AccountRepository(
      db,
      { ...secrets, institution: institutionOf(config, secrets) },
      new AuditWriter(db),
    );
    const name = o.name?.trim() || email.split('@')[0]!;
    const created = await accounts.createAccount(
      o.role === 'doctor'
        ? { role: 'doctor', email, name, password, registrationNumber: o.registration! }
        : { role: 'admin', email, name, password },
      systemActor,
      'cli',
    );
    out.result(
      `created ${o.role} ${email} (${created.id})${created.issuerAddress ? `, issuer address ${created.issuerAddress}` : ''}`,
      { id: created.id, email, role: o.role, name, issuerAddress: created.issuerAddress ?? null },
    );
    return 0;
  } finally {
    await db.close();
  }
}
