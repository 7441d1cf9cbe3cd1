/**
 * Replicas behind nginx: verify-by-hash and upload throughput through nginx with 1 and 3 `medproof
 * start` processes on one PostgreSQL (the repository's nginx template, Debian's nginx), and the time
 * another replica takes over after the leader is killed with `kill -9`.
 *
 * On this 2-core machine the replicas, nginx, PostgreSQL, anvil and the load generator share the same
 * two cores: three replicas cannot have more CPU than one, so the numbers measure what replication
 * costs (the shared rate-limit store, sessions in the database, the proxy hop) and that failover
 * works, not scaling. Scaling needs replicas on separate machines.
 *
 *   npx tsx bench/replicas.ts          (needs `npm run build`: replicas run bin/medproof.js)
 *   npm run bench -- replicas
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex, type Address } from 'viem';
import { english, generateMnemonic, mnemonicToAccount } from 'viem/accounts';
import { freePort } from '../src/chain/embedded/processes.js';
import { launchAnvil } from '../src/chain/nodes/launchAnvil.js';
import { verhoeffDigit } from '../src/core/patientId/verhoeff.js';
import { createPgDatabase } from '../test/helpers/databases.js';
import { seedPortal } from '../test/helpers/http.js';
import { startNginx } from '../test/helpers/nginx.js';
import { spawnCli, type Spawned } from '../test/helpers/processes.js';
import { table } from './table.js';

const PASSWORD = 'correct horse battery staple';
const DURATION_S = Number(process.env.REPLICAS_SECONDS ?? 10);
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_')));

async function rpc(url: string, method: string, params: unknown[]): Promise<void> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await r.json()) as { error?: unknown };
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
}

/** A multipart upload body for autocannon: the same small (unstampable, so streamed) PDF each time. */
function uploadBody(patientId: string): { body: Buffer; contentType: string } {
  const boundary = `----bench${randomBytes(6).toString('hex')}`;
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const file = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(16 * 1024), Buffer.from('\n%%EOF\n')]);
  const body = Buffer.concat([
    Buffer.from(field('patientId', patientId) + field('docType', 'report') + field('title', 'Bench report')),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="report.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

interface Load {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
}

async function load(o: autocannon.Options): Promise<Load> {
  const r = await autocannon({ duration: DURATION_S, ...o });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors };
}

interface Run {
  readonly replicas: number;
  readonly verify: Load;
  readonly upload: Load;
  readonly failoverMs: number | undefined;
}

async function runWith(dir: string, count: number): Promise<Run> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const mnemonic = generateMnemonic(english);
    const node = await launchAnvil({ stateDir: join(dir, 'node'), port: await freePort(), chainId: 31337 });
    cleanups.push(() => node.stop());
    const adminAccount = mnemonicToAccount(mnemonic, { addressIndex: 0 });
    const engineAccount = mnemonicToAccount(mnemonic, { addressIndex: 1 });
    for (const a of [adminAccount, engineAccount])
      await rpc(node.rpcUrl, 'anvil_setBalance', [a.address, '0xd3c21bcecceda1000000']);
    const key = bytesToHex(adminAccount.getHdKey().privateKey!);
    const anchorKey = bytesToHex(engineAccount.getHdKey().privateKey!);
    const secretsFile = join(dir, 'shared-secrets.json');
    writeFileSync(
      secretsFile,
      JSON.stringify({
        patientRefSecret: randomBytes(32).toString('hex'),
        masterKey: randomBytes(32).toString('hex'),
      }),
      { mode: 0o600 },
    );
    const deploy = spawnCli(['deploy', '--json', '--data-dir', join(dir, 'deploy')], {
      env: { ...env, MEDPROOF_RPC_URL: node.rpcUrl, MEDPROOF_KEY: key, MEDPROOF_SECRETS_FILE: secretsFile },
    });
    if ((await deploy.exited) !== 0) throw new Error(`deploy: ${deploy.stderr()}`);
    const { registry } = JSON.parse(deploy.stdout()) as { registry: Address };
    const chainEnv = { MEDPROOF_RPC_URL: node.rpcUrl, MEDPROOF_REGISTRY: registry, MEDPROOF_KEY: key };
    const grant = spawnCli(['grant', 'anchorer', engineAccount.address, '--data-dir', join(dir, 'deploy')], {
      env: { ...env, ...chainEnv },
    });
    if ((await grant.exited) !== 0) throw new Error(`grant: ${grant.stderr()}`);

    const database = await createPgDatabase();
    cleanups.push(() => database.drop());
    const sharedBlobs = join(dir, 'shared-blobs');
    mkdirSync(sharedBlobs);
    const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
    const nginxPort = await freePort();
    const replicaEnv = {
      ...env,
      ...chainEnv,
      MEDPROOF_ANCHOR_KEY: anchorKey,
      MEDPROOF_DATABASE_URL: database.url,
      MEDPROOF_SECRETS_FILE: secretsFile,
      MEDPROOF_TRUST_PROXY: 'true',
      MEDPROOF_PUBLIC_URL: `http://127.0.0.1:${nginxPort}`,
      MEDPROOF_VERIFY_RATE_PER_MINUTE: '10000000',
      MEDPROOF_LOG_LEVEL: 'warn',
    };
    const replicas: Spawned[] = [];
    const started = await Promise.all(
      ports.map(async (port, i) => {
        const dataDir = join(dir, `replica-${i}`);
        mkdirSync(dataDir, { recursive: true });
        if (!existsSync(join(dataDir, 'blobs'))) symlinkSync(sharedBlobs, join(dataDir, 'blobs'));
        const p = spawnCli(['start', '--json', '--data-dir', dataDir, '--port', String(port)], {
          env: { ...replicaEnv, MEDPROOF_REPLICA_ID: `replica-${i}` },
        });
        replicas[i] = p;
        cleanups.push(async () => {
          p.child.kill('SIGKILL');
          await p.exited;
        });
        return JSON.parse(await p.line(/"status":"running"/, 120_000)) as { setupToken: string | null };
      }),
    );
    const nginx = await startNginx(join(dir, 'nginx'), nginxPort, ports);
    cleanups.push(() => nginx.stop());
    const patientId = `23456789012${verhoeffDigit('23456789012')}`;
    const setupToken = started.find((s) => s.setupToken)?.setupToken;
    const { doctor } = await seedPortal(nginx.url, setupToken!, PASSWORD, patientId);

    // One document to verify, anchored.
    const first = uploadBody(patientId);
    const issued = await fetch(`${nginx.url}/api/documents`, {
      method: 'POST',
      headers: { cookie: doctor.cookie!, 'x-csrf-token': doctor.csrf!, 'content-type': first.contentType },
      body: first.body,
    });
    const { docHash } = (await issued.json()) as { docHash: string };

    const verifyOpts = {
      url: `${nginx.url}/api/verify`,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ docHash }),
      connections: 20,
    };
    await load({ ...verifyOpts, duration: 3 }); // warm-up
    const verify = await load(verifyOpts);
    const up = uploadBody(patientId);
    const upload = await load({
      url: `${nginx.url}/api/documents`,
      method: 'POST',
      headers: { cookie: doctor.cookie!, 'x-csrf-token': doctor.csrf!, 'content-type': up.contentType },
      body: up.body,
      connections: 10,
    });

    let failoverMs: number | undefined;
    if (count > 1) {
      const leaderOf = async () => {
        const h = await Promise.all(
          ports.map((p) =>
            fetch(`http://127.0.0.1:${p}/health`, { signal: AbortSignal.timeout(1000) })
              .then((r) => r.json() as Promise<{ leader: boolean }>)
              .catch(() => undefined),
          ),
        );
        return ports.map((_, i) => i).filter((i) => h[i]?.leader === true);
      };
      const [leader] = await leaderOf();
      if (leader === undefined) throw new Error('no leader');
      const killedAt = performance.now();
      replicas[leader]!.child.kill('SIGKILL');
      await replicas[leader]!.exited;
      for (const deadline = Date.now() + 60_000; ;) {
        const now = await leaderOf();
        if (now.length === 1 && now[0] !== leader) break;
        if (Date.now() > deadline) throw new Error('no replica took over within 60 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      failoverMs = performance.now() - killedAt;
    }
    return { replicas: count, verify, upload, failoverMs };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

export async function benchReplicas(dir: string): Promise<string> {
  const runs: Run[] = [];
  for (const count of [1, 3]) {
    const sub = join(dir, `replicas-${count}`);
    mkdirSync(sub, { recursive: true });
    process.stderr.write(`replicas: ${count}…\n`);
    runs.push(await runWith(sub, count));
  }
  const rows = runs.flatMap((r) => [
    [
      r.replicas,
      'POST /api/verify by hash, 20 connections',
      Math.round(r.verify.rps).toLocaleString('en'),
      r.verify.p50,
      r.verify.p99,
      r.verify.non2xx,
      '',
    ],
    [
      r.replicas,
      'POST /api/documents 16 KiB PDF, 10 connections',
      Math.round(r.upload.rps).toLocaleString('en'),
      r.upload.p50,
      r.upload.p99,
      r.upload.non2xx,
      r.failoverMs === undefined ? '—' : `${(r.failoverMs / 1000).toFixed(1)} s`,
    ],
  ]);
  return table(
    `Replicas on PostgreSQL behind nginx (autocannon, ${DURATION_S} s each; 2 cores shared by replicas, nginx, PostgreSQL, anvil and the client: this measures overhead and failover, not more CPU)`,
    [
      'replicas',
      'load',
      'requests/s',
      'p50 (ms)',
      'p99 (ms)',
      'non-2xx',
      'failover after kill -9 of the leader',
    ],
    rows,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = mkdtempSync(join(tmpdir(), 'medproof-bench-replicas-'));
  try {
    process.stdout.write(`${await benchReplicas(dir)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
