import autocannon from 'autocannon';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { freePort } from '../src/chain/embedded/processes.js';
import { verhoeffDigit } from '../src/core/patientId/verhoeff.js';
import { writeRandomFile } from './files.js';
import { seedPortal } from '../test/helpers/http.js';
import { median, ms, table } from './table.js';

const PAPER: [number, number][] = [
  [1, 2.18],
  [2, 2.75],
  [5, 3.24],
  [10, 3.67],
  [20, 3.88],
  [50, 4.12],
  [100, 4.35],
  [500, 5.14],
];
const PASSWORD = 'correct horse battery staple';
const run = promisify(execFile);

/** The server's resident memory (MiB), read from /proc: the client's own memory does not count. */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/**
 * The portal as users run it (`medproof start`, its own process): upload + store + anchor through
 * HTTP for 1 MB to 500 MB with the server's memory sampled meanwhile; then public verification by hash
 * under load (autocannon). Sizes up to 50 MB by default, to 500 MB with `full`.
 */
export async function benchPortal(dir: string, o: { full?: boolean } = {}): Promise<string> {
  const port = await freePort();
  const bin = new URL('../bin/medproof.js', import.meta.url).pathname;
  const env = {
    ...process.env,
    MEDPROOF_MAX_UPLOAD_MB: '600',
    MEDPROOF_VERIFY_RATE_PER_MINUTE: '10000000',
    MEDPROOF_LOG_LEVEL: 'warn',
  };
  const server = spawn(
    process.execPath,
    [
      bin,
      'start',
      '--json',
      '--data-dir',
      join(dir, 'portal'),
      '--port',
      String(port),
      '--node-port',
      String(await freePort()),
    ],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  server.stdout.on('data', (b: Buffer) => (out += b.toString()));
  try {
    for (const deadline = Date.now() + 60_000; !out.includes('"status":"running"');) {
      if (Date.now() > deadline || server.exitCode !== null)
        throw new Error(`medproof start did not come up: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const info = JSON.parse(out.split('\n').find((l) => l.includes('"running"'))!) as {
      url: string;
      setupToken: string;
    };
    const patientId = `23456789012${verhoeffDigit('23456789012')}`;
    const { doctor } = await seedPortal(info.url, info.setupToken, PASSWORD, patientId);

    const rows: (string | number)[][] = [];
    let lastHash = '';
    const baseline = rssMiB(server.pid!);
    for (const [mib, paper] of PAPER.filter(([mib]) => o.full || mib <= 50)) {
      const path = join(dir, `upload-${mib}.pdf`);
      // A PDF header, so the content check passes; the rest is random.
      writeRandomFile(path, mib, '%PDF-1.7\n');
      const reps = mib >= 100 ? 2 : 3;
      const accepted: number[] = [];
      const totals: number[] = [];
      const openssl: number[] = [];
      const disk: number[] = [];
      let peak = 0;
      for (let r = 0; r < reps; r++) {
        let t = performance.now();
        execFileSync('openssl', ['dgst', '-sha256', path], { stdio: 'ignore' });
        openssl.push(performance.now() - t);
        // The disk's durable write speed: a 201 is only sent once the file is fsynced.
        t = performance.now();
        execFileSync('dd', [
          'if=/dev/zero',
          `of=${path}.dd`,
          'bs=1M',
          `count=${mib}`,
          'conv=fsync',
          'status=none',
        ]);
        disk.push(performance.now() - t);
        rmSync(`${path}.dd`);
        const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(server.pid!))), 5);
        t = performance.now();
        // curl as the client: Node's fetch uploading a FormData is slower than the server (measured).
        const { stdout } = await run('curl', [
          '-s',
          '-H',
          `cookie: ${doctor.cookie}`,
          '-H',
          `x-csrf-token: ${doctor.csrf}`,
          '-F',
          `patientId=${patientId}`,
          '-F',
          'docType=report',
          '-F',
          `title=${mib} MB report`,
          '-F',
          `file=@${path};type=application/pdf`,
          `${info.url}/api/documents`,
        ]);
        accepted.push(performance.now() - t);
        const issued = JSON.parse(stdout) as { id?: string; docHash?: string };
        if (!issued.id) throw new Error(`upload failed: ${stdout}`);
        for (;;) {
          const d = await doctor.req('GET', `/api/documents/${issued.id}`);
          if (d.json.status === 'anchored') break;
          await new Promise((res) => setTimeout(res, 2));
        }
        totals.push(performance.now() - t);
        clearInterval(sampler);
        lastHash = String(issued.docHash);
      }
      rmSync(path);
      const limit = median(openssl);
      rows.push([
        `${mib} MB`,
        paper.toFixed(2),
        ms(median(accepted)),
        ms(median(totals)),
        ms(limit),
        ms(median(disk)),
        Math.round(peak),
      ]);
    }
    const uploads = table(
      'Portal: upload + store (SHA-256 and encryption in one pass) + anchor, through HTTP (`medproof start`, anvil, SQLite)',
      [
        'file',
        'paper Table 1 (s)',
        '201 received (ms)',
        'anchored (ms)',
        'openssl dgst (ms)',
        'dd conv=fsync (ms)',
        `server peak RSS (MiB; idle ${Math.round(baseline)})`,
      ],
      rows,
    );

    const body = JSON.stringify({ docHash: lastHash });
    const load1 = (connections: number) =>
      autocannon({
        url: `${info.url}/api/verify`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections,
        duration: 10,
      });
    await load1(10); // warm-up
    const load: (string | number)[][] = [];
    for (const connections of [10, 50]) {
      const r = await load1(connections);
      load.push([connections, Math.round(r.requests.average), r.latency.p50, r.latency.p99, r.non2xx]);
    }
    const verify = table(
      'Portal: POST /api/verify by hash under load (autocannon, 10 s, same 2-core machine)',
      ['connections', 'requests/s', 'p50 (ms)', 'p99 (ms)', 'non-2xx'],
      load,
    );
    return `${uploads}\n${verify}`;
  } finally {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
  }
}
