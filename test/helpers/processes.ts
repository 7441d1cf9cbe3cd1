import { spawn, type ChildProcess } from 'node:child_process';
import { processAlive } from '../../src/chain/embedded/processes.js';

export interface Spawned {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `re` (bounded). */
  line(re: RegExp, timeoutMs?: number): Promise<string>;
}

/** Runs a TypeScript file in its own Node process (through tsx), capturing its output. */
export function spawnTs(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Spawned {
  return wrap(
    spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env }),
  );
}

/** Runs the built `medproof` command, as a user would. */
export function spawnCli(
  args: readonly string[],
  o: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Spawned {
  const bin = new URL('../../bin/medproof.js', import.meta.url).pathname;
  return wrap(
    spawn(process.execPath, [bin, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: o.cwd,
      env: o.env ?? process.env,
    }),
  );
}

function wrap(child: ChildProcess): Spawned {
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    async line(re, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = out.split('\n').find((l) => re.test(l));
        if (hit) return hit;
        if (child.exitCode !== null)
          throw new Error(`process exited (${child.exitCode}) before printing ${re}: ${err.slice(-2000)}`);
        if (Date.now() > deadline)
          throw new Error(`no line matching ${re} within ${timeoutMs} ms: ${err.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** Waits (bounded) until a pid is gone. */
export async function gone(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still alive`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
