import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

const TEMPLATE = new URL('../../deploy/nginx/medproof.conf.template', import.meta.url).pathname;

/** The repository's nginx template, filled in for these ports. */
export function renderNginxConf(listenPort: number, upstreamPorts: readonly number[]): string {
  return readFileSync(TEMPLATE, 'utf8')
    .replaceAll('${LISTEN}', `127.0.0.1:${listenPort}`)
    .replaceAll(
      '${UPSTREAM_SERVERS}',
      upstreamPorts.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n    '),
    );
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export interface RunningNginx {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Debian's nginx as a non-daemon child with its own prefix, pid, logs and temp folders under `dir`,
 * serving the repository's template for these ports.
 */
export async function startNginx(
  dir: string,
  listenPort: number,
  upstreamPorts: readonly number[],
): Promise<RunningNginx> {
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'nginx.conf');
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
  writeFileSync(
    conf,
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 512; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((n) => `  ${temp(n)}`),
      renderNginxConf(listenPort, upstreamPorts),
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/sbin/nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; !(await accepts(listenPort)); i++) {
    if (child.exitCode !== null || i > 200) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: `http://127.0.0.1:${listenPort}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
