import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/chain/embedded/processes.js';
import { nextAadhaar, PASSWORD } from '../helpers/portal.js';
import { Http } from '../helpers/http.js';
import { gone, spawnCli, type Spawned } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp.js';

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_')));
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

describe('medproof start, killed with SIGKILL right after a 201', () => {
  it('anchors the accepted document after a restart: the job committed with the document', async () => {
    const dir = tmpDir('medproof-portal-kill-');
    cleanups.push(() => dir.remove());
    const dataDir = join(dir.path, 'data');
    const args = [
      'start',
      '--json',
      '--data-dir',
      dataDir,
      '--port',
      String(await freePort()),
      '--node-port',
      String(await freePort()),
    ];
    let start: Spawned | undefined = spawnCli(args, {
      env: { ...env, MEDPROOF_BATCH_WAIT_MS: '600000', MEDPROOF_LOG_LEVEL: 'warn' },
    });
    cleanups.push(() => start?.child.kill('SIGKILL'));
    const info = JSON.parse(await start.line(/"status":"running"/, 60_000)) as {
      url: string;
      setupToken: string;
    };

    const admin = new Http(info.url);
    expect(
      (
        await admin.req('POST', '/api/setup', {
          token: info.setupToken,
          email: 'admin@h.test',
          name: 'Admin',
          password: PASSWORD,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await admin.req('POST', '/api/doctors', {
          email: 'dr@h.test',
          name: 'Dr K',
          registrationNumber: 'MCI-1',
          password: PASSWORD,
        })
      ).status,
    ).toBe(201);
    const patientId = nextAadhaar();
    expect(
      (
        await new Http(info.url).req('POST', '/api/patients', {
          email: 'p@m.test',
          password: PASSWORD,
          name: 'P',
          dateOfBirth: '1980-01-01',
          patientId,
        })
      ).status,
    ).toBe(201);
    const doctor = new Http(info.url);
    await doctor.req('POST', '/api/auth/login', { email: 'dr@h.test', password: PASSWORD });
    const form = new FormData();
    form.set('patientId', patientId);
    form.set('docType', 'certificate');
    form.set('title', 'Discharge summary');
    form.set(
      'file',
      new Blob(['%PDF-1.4 discharged in good health\n%%EOF'], { type: 'application/pdf' }),
      'discharge.pdf',
    );
    const issued = await doctor.req('POST', '/api/documents', form);
    expect(issued.status).toBe(201);

    // The whole system dies at once, with the document accepted but (batch wait: 10 min) not anchored.
    const node = JSON.parse(readFileSync(join(dataDir, 'chain', 'anvil', 'node.json'), 'utf8')) as {
      pid: number;
    };
    start.child.kill('SIGKILL');
    process.kill(node.pid, 'SIGKILL');
    await start.exited;
    await gone(node.pid);

    start = spawnCli(args, { env: { ...env, MEDPROOF_LOG_LEVEL: 'warn' } });
    await start.line(/"status":"running"/, 60_000);
    const anyone = new Http(info.url);
    let verdict = '';
    for (const deadline = Date.now() + 60_000; verdict !== 'VALID' && Date.now() < deadline;) {
      verdict = String(
        (await anyone.req('POST', '/api/verify', { docHash: issued.json.docHash })).json.verdict,
      );
      if (verdict !== 'VALID') await new Promise((r) => setTimeout(r, 100));
    }
    expect(verdict).toBe('VALID');
    await doctor.req('POST', '/api/auth/login', { email: 'dr@h.test', password: PASSWORD });
    expect((await doctor.req('GET', `/api/documents/${String(issued.json.id)}`)).json).toMatchObject({
      status: 'anchored',
    });

    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
  }, 180_000);
});
