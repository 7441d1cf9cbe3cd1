import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/chain/embedded/processes.js';
import { spawnCli, type Spawned } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp.js';

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_')));

describe('medproof start on SQLite is one process, with the secrets the database was made with', () => {
  const dir = tmpDir('medproof-single-');
  let first: Spawned | undefined;
  afterAll(async () => {
    first?.child.kill('SIGKILL');
    await first?.exited;
    dir.remove();
  });

  it('a second start on the same data folder exits 2 with DATABASE_IN_USE; other secrets exit 2 with SECRETS_MISMATCH', async () => {
    const dataDir = join(dir.path, 'data');
    const args = async () => [
      'start',
      '--json',
      '--data-dir',
      dataDir,
      '--port',
      String(await freePort()),
      '--node-port',
      String(await freePort()),
    ];
    const quiet = { ...env, MEDPROOF_LOG_LEVEL: 'warn' };
    first = spawnCli(await args(), { env: quiet });
    await first.line(/"status":"running"/, 60_000);

    const second = spawnCli(await args(), { env: quiet });
    expect(await second.exited).toBe(2);
    expect(second.stderr() + second.stdout()).toContain('DATABASE_IN_USE');
    expect(second.stderr() + second.stdout()).toContain(String(first.child.pid));

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    first = undefined;

    // The lock went with the process; another master key than the one the database was made with does not.
    const other = spawnCli(await args(), {
      env: { ...quiet, MEDPROOF_MASTER_KEY: randomBytes(32).toString('hex') },
    });
    expect(await other.exited).toBe(2);
    const said = other.stderr() + other.stdout();
    expect(said).toContain('SECRETS_MISMATCH');
    expect(said).toContain('the master key');
    expect(said).not.toContain('patientRef secret');

    // The same secrets start again.
    first = spawnCli(await args(), { env: quiet });
    await first.line(/"status":"running"/, 60_000);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    first = undefined;
  }, 180_000);
});
