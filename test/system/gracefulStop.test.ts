import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/chain/embedded/processes.js';
import { seedPortal, waitForVerdict } from '../helpers/http.js';
import { nextAadhaar, PASSWORD } from '../helpers/portal.js';
import { spawnCli, type Spawned } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp.js';
import { signAwaited } from '../helpers/softPasskey.js';

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_')));

describe('medproof start on SIGTERM', () => {
  const dir = tmpDir('medproof-sigterm-');
  let start: Spawned | undefined;
  afterAll(async () => {
    if (start && start.child.exitCode === null) start.child.kill('SIGKILL');
    dir.remove();
  });

  it('finishes an upload in flight (201), then exits 0; the document is anchored after the restart', async () => {
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
    start = spawnCli(args, { env: { ...env, MEDPROOF_LOG_LEVEL: 'warn' } });
    const info = JSON.parse(await start.line(/"status":"running"/, 60_000)) as {
      url: string;
      setupToken: string;
    };
    const patientId = nextAadhaar();
    const { doctor } = await seedPortal(info.url, info.setupToken, PASSWORD, patientId);

    // A 4 MiB upload sent slowly, in 64 KiB pieces; SIGTERM arrives while it is half sent.
    const boundary = `----sigterm${randomBytes(6).toString('hex')}`;
    const head = Buffer.from(
      [
        ...[
          ['patientId', patientId],
          ['docType', 'report'],
          ['title', 'Scan sent during shutdown'],
        ].map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ].join(''),
    );
    const file = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(4 * 1024 * 1024 - 9)]);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const url = new URL('/api/documents', info.url);
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(head.length + file.length + tail.length),
            cookie: doctor.cookie!,
            'x-csrf-token': doctor.csrf!,
          },
        },
        (res) => {
          let body = '';
          res.on('data', (b: Buffer) => (body += b.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      void (async () => {
        req.write(head);
        for (let i = 0; i < file.length; i += 64 * 1024) {
          req.write(file.subarray(i, i + 64 * 1024));
          if (i === 2 * 1024 * 1024) start!.child.kill('SIGTERM');
          await new Promise((r) => setTimeout(r, 5));
        }
        req.end(tail);
      })();
    });

    const answer = await response;
    expect(answer.status, answer.body).toBe(201);
    const issued = JSON.parse(answer.body) as { id: string; docHash: string };
    expect(await start.exited).toBe(0);

    start = spawnCli(args, { env: { ...env, MEDPROOF_LOG_LEVEL: 'warn' } });
    await start.line(/"status":"running"/, 60_000);
    // The doctor signs it with their passkey after the restart, as their page would (it waits till then).
    await signAwaited((m, p, b) => doctor.req(m, p, b), doctor.email!, new URL(info.url).origin, issued.id);
    const verdict = await waitForVerdict(info.url, issued.docHash);
    expect(verdict).toBe('VALID');
    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
  }, 120_000);
});
