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
import { english, generateMnemonic } from 'viem/accounts';
import { MedproofError } from '../core/errors/MedproofError.js';

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
