import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
// @scure/bip39 directly (what viem/accounts uses inside): every command reads secrets, and loading all
// of viem/accounts for one word list cost a verifier ~0.1 s of start-up.
import { generateMnemonic } from '@scure/bip39';
import { wordlist as english } from '@scure/bip39/wordlists/english';
import { MedproofError } from '../core/index.js';

/** Institution secrets, created once per data folder (mode 0600). Losing them loses patientRef links and stored files. */
export interface Secrets {
  /** Funds and derives the embedded dev chain's accounts; unused with an external chain. */
  readonly devMnemonic: string;
  /** Keys the patientRef HMAC: without it a patient id cannot be linked to its commitments. */
  readonly patientRefSecret: Uint8Array;
  /** Wraps each stored document's data key. */
  readonly masterKey: Uint8Array;
}

interface SecretsFile {
  version: 1;
  devMnemonic: string;
  patientRefSecret: string;
  masterKey: string;
}

/** Writes a file atomically (temp file, fsync, rename) so a crash leaves either the old or the new one. */
export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function loadSecrets(dataDir: string): Secrets {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'secrets.json');
  if (!existsSync(path)) {
    const fresh: SecretsFile = {
      version: 1,
      devMnemonic: generateMnemonic(english),
      patientRefSecret: randomBytes(32).toString('hex'),
      masterKey: randomBytes(32).toString('hex'),
    };
    writeFileAtomic(path, `${JSON.stringify(fresh, null, 2)}\n`);
  }
  // Tighten a copied or restored file rather than refuse to start.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  let f: SecretsFile;
  try {
    f = JSON.parse(readFileSync(path, 'utf8')) as SecretsFile;
  } catch (cause) {
    throw new MedproofError('SECRETS_INVALID', `${path} is not valid JSON`, { cause });
  }
  const hex32 = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
  if (
    f.version !== 1 ||
    typeof f.devMnemonic !== 'string' ||
    !hex32(f.patientRefSecret) ||
    !hex32(f.masterKey)
  ) {
    throw new MedproofError('SECRETS_INVALID', `${path} is damaged: restore it from backup`);
  }
  return {
    devMnemonic: f.devMnemonic,
    patientRefSecret: Buffer.from(f.patientRefSecret, 'hex'),
    masterKey: Buffer.from(f.masterKey, 'hex'),
  };
}

/** Where the shared secrets come from (the validated config's part of it). */
export interface SharedSecretSettings {
  readonly dataDir: string;
  readonly secretsFile: string | undefined;
  readonly patientRefSecret: string | undefined;
  readonly masterKey: string | undefined;
}

const hexKey = (v: unknown): Buffer | undefined =>
  typeof v === 'string' && /^(0x)?[0-9a-fA-F]{64}$/.test(v)
    ? Buffer.from(v.replace(/^0x/, ''), 'hex')
    : undefined;

function readSharedFile(path: string): { patientRefSecret: Buffer; masterKey: Buffer } {
  let f: Record<string, unknown>;
  try {
    f = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new MedproofError('SECRETS_INVALID', `MEDPROOF_SECRETS_FILE ${path} cannot be read as JSON`, {
      cause,
    });
  }
  const patientRefSecret = hexKey(f.patientRefSecret);
  const masterKey = hexKey(f.masterKey);
  if (!patientRefSecret || !masterKey)
    throw new MedproofError(
      'SECRETS_INVALID',
      `MEDPROOF_SECRETS_FILE ${path} needs "patientRefSecret" and "masterKey", 64 hex digits each`,
    );
  return { patientRefSecret, masterKey };
}

/**
 * The institution's secrets as this process must use them. Replicas share one set by configuration,
 * in order: MEDPROOF_PATIENT_REF_SECRET / MEDPROOF_MASTER_KEY, then the file MEDPROOF_SECRETS_FILE names,
 * then the data folder's own secrets.json (one process; the dev mnemonic always comes from there).
 * The database keeps a fingerprint of the set it was created with, so a replica given another set
 * refuses to start instead of answering "no such patient" (see store/deployment/secretsFingerprint).
 */
export function institutionSecrets(s: SharedSecretSettings): Secrets {
  const local = loadSecrets(s.dataDir);
  const file = s.secretsFile ? readSharedFile(s.secretsFile) : undefined;
  return {
    devMnemonic: local.devMnemonic,
    patientRefSecret: hexKey(s.patientRefSecret) ?? file?.patientRefSecret ?? local.patientRefSecret,
    masterKey: hexKey(s.masterKey) ?? file?.masterKey ?? local.masterKey,
  };
}
