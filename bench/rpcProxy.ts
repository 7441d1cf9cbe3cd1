import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { encodeFunctionData, type Address, type Hex } from 'viem';
import { freePort } from '../src/chain/embedded/processes.js';
import { registryV2Abi } from '../src/chain/registryV2Abi.js';
import { ms, table } from './table.js';

const WARMUP = 50;
const READS = 1000;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** One JSON-RPC POST, timed from send to parsed answer (keep-alive, as a browser's fetch). */
async function timedRead(url: string, body: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const reply = (await res.json()) as { error?: { message: string } };
  const elapsed = performance.now() - t;
  if (!res.ok || reply.error) throw new Error(`${url}: ${res.status} ${reply.error?.message ?? ''}`);
  return elapsed;
}

/** Both targets read alternately, so a busy moment of this shared machine weighs on both alike. */
async function latencies(direct: string, proxied: string, body: string): Promise<[number[], number[]]> {
  for (let i = 0; i < WARMUP; i++) {
    await timedRead(direct, body);
    await timedRead(proxied, body);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < READS; i++) {
    a.push(await timedRead(direct, body));
    b.push(await timedRead(proxied, body));
  }
  return [a, b];
}

/**
 * The read-only `/rpc` proxy's cost per read: `medproof start` in its own process (embedded anvil),
 * the same JSON-RPC read sent READS times straight to the node and through the portal's `/rpc`
 * (allowlist, parameter checks, rate limit, forwarding), alternately, one at a time; p50 and p99 of each.
 */
export async function benchRpcProxy(dir: string): Promise<string> {
  const port = await freePort();
  const bin = new URL('../bin/medproof.js', import.meta.url).pathname;
  const server = spawn(
    process.execPath,
    [
      bin,
      'start',
      '--json',
      '--data-dir',
      join(dir, 'rpc-proxy'),
      '--port',
      String(port),
      '--node-port',
      String(await freePort()),
    ],
    {
      env: { ...process.env, MEDPROOF_VERIFY_RATE_PER_MINUTE: '10000000', MEDPROOF_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
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
      rpcUrl: string;
      registry: Address;
    };
    const zero: Hex = `0x${'00'.repeat(32)}`;
    // A verifier's one read of a v2 receipt (`check`), and the cheapest read there is.
    const reads: [string, unknown][] = [
      ['eth_blockNumber', { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }],
      [
        'eth_call check(root, leaf, issuer)',
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'eth_call',
          params: [
            {
              to: info.registry,
              data: encodeFunctionData({
                abi: registryV2Abi,
                functionName: 'check',
                args: [`0x${'11'.repeat(32)}`, zero, info.registry],
              }),
            },
            'latest',
          ],
        },
      ],
    ];
    const rows: (string | number)[][] = [];
    for (const [name, request] of reads) {
      const body = JSON.stringify(request);
      const [direct, proxied] = await latencies(info.rpcUrl, `${info.url}/rpc`, body);
      const p = (xs: number[], q: number) => quantile(xs, q);
      rows.push([
        name,
        ms(p(direct, 0.5)),
        ms(p(direct, 0.99)),
        ms(p(proxied, 0.5)),
        ms(p(proxied, 0.99)),
        ms(p(proxied, 0.5) - p(direct, 0.5)),
        ms(p(proxied, 0.99) - p(direct, 0.99)),
      ]);
    }
    return table(
      `The read-only /rpc proxy: one read straight to the embedded anvil vs through the portal's /rpc, ms (${READS} sequential reads each)`,
      ['read', 'anvil p50', 'anvil p99', '/rpc p50', '/rpc p99', 'overhead p50', 'overhead p99'],
      rows,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
}
