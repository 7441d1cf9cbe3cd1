import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/chain/embedded/processes.js';
import { nextAadhaar, PASSWORD } from '../helpers/portal.js';
import { issueForm, SEED, seedPortal, waitForVerdict } from '../helpers/http.js';
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

    const patientId = nextAadhaar();
    const { doctor } = await seedPortal(info.url, info.setupToken, PASSWORD, patientId);
    const form = issueForm(patientId, 'Discharge summary', 'discharged in good health', 'discharge.pdf');
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
    const verdict = await waitForVerdict(info.url, issued.json.docHash, 'VALID', 60_000);
    expect(verdict).toBe('VALID');
    await doctor.login(SEED.doctorEmail, PASSWORD);
    expect((await doctor.req('GET', `/api/documents/${String(issued.json.id)}`)).json).toMatchObject({
      status: 'anchored',
    });

    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
  }, 180_000);
});
