import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestPortal, type TestPortal } from '../helpers/portal.js';
import { tmpDir } from '../helpers/tmp.js';

const bin = new URL('../../bin/medproof.js', import.meta.url).pathname;

/** Runs `medproof …` with `input` on stdin. */
function run(
  args: string[],
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('medproof user add', () => {
  const dir = tmpDir('medproof-useradd-');
  let portal: TestPortal | undefined;
  afterAll(async () => {
    await portal?.stop();
    dir.remove();
  });

  it('creates an admin and a doctor from the command line, the password read from stdin; both can sign in', async () => {
    const admin = await run(
      [
        'user',
        'add',
        '--role',
        'admin',
        '--email',
        'Root@Hospital.test',
        '--name',
        'Root',
        '--json',
        '--data-dir',
        dir.path,
      ],
      `${PASSWORD}\n`,
    );
    expect(admin.code, admin.stderr).toBe(0);
    expect(JSON.parse(admin.stdout)).toMatchObject({ role: 'admin', email: 'root@hospital.test' });
    const doctor = await run(
      [
        'user',
        'add',
        '--role',
        'doctor',
        '--email',
        'dr@hospital.test',
        '--registration',
        'MCI-77',
        '--data-dir',
        dir.path,
      ],
      // Spaces are part of a password: the CLI keeps them, exactly as sign-in does.
      `  ${PASSWORD}  \n`,
    );
    expect(doctor.code, doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/issuer address 0x[0-9a-fA-F]{40}/);

    const refused = [
      [['--role', 'patient', '--email', 'x@h.test'], PASSWORD, /--role must be admin or doctor/],
      [['--role', 'admin', '--email', 'weak@h.test'], 'password', /too common/],
      [['--role', 'admin', '--email', 'root@hospital.test'], PASSWORD, /exists already/],
      [['--role', 'doctor', '--email', 'd2@h.test'], PASSWORD, /--registration/],
      [['--role', 'admin', '--email', 'none@h.test'], '', /password on stdin/],
    ] as const;
    for (const [args, input, message] of refused) {
      const r = await run(['user', 'add', ...args, '--data-dir', dir.path], input ? `${input}\n` : '');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }

    portal = await startTestPortal({ dataDir: dir.path });
    expect(portal.system.setupToken).toBeUndefined(); // an admin exists: no setup link
    const a = portal.client();
    expect((await a.login('root@hospital.test', PASSWORD)).status).toBe(200);
    const d = portal.client();
    expect((await d.login('dr@hospital.test', PASSWORD)).status).toBe(401);
    expect((await d.login('dr@hospital.test', `  ${PASSWORD}  `)).status).toBe(200);
    expect((await d.get('/api/me')).json()).toMatchObject({ doctor: { registrationNumber: 'MCI-77' } });
    // The doctor's ISSUER_ROLE, queued by the CLI, is granted by the running system.
    await portal.system.chainOps.drained();
    expect((await a.get('/api/admin/status')).json()).toMatchObject({ chainOps: { pending: 0, failed: 0 } });
  });
});
