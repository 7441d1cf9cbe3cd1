import { spawn, type ChildProcess } from 'node:child_process';
import { MedproofError, isMedproofError } from '../../core/index.js';

export interface StartedChild {
  readonly child: ChildProcess;
  /** Resolves when the process has exited (any reason). */
  readonly exited: Promise<number | null>;
  /** The last lines it printed, for error messages. */
  output(): string;
}

/** Spawns a node process with its output captured (bounded), never inheriting the terminal's stdin. */
export function startChild(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): StartedChild {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let tail = '';
  const keep = (b: Buffer) => {
    tail = (tail + b.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      tail += `\n${err.message}`;
      resolve(null);
    });
  });
  return { child, exited, output: () => tail };
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopChild(started: StartedChild, graceMs = 5000): Promise<void> {
  const { child, exited } = started;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

const PORT = 'port';

/**
 * The node could not have the port it was given: another process listens there (it answered another
 * chain, or our node exited with EADDRINUSE). A port chosen just for one command can be chosen again.
 */
export function isPortTaken(error: unknown): boolean {
  return isMedproofError(error, 'NODE_START_FAILED') && error.field === PORT;
}

/** Polls `eth_chainId` until the node answers with the expected id, the process dies, or time runs out. */
export async function waitForRpc(
  rpcUrl: string,
  started: StartedChild,
  expectChainId: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void started.exited.then(() => (died = true));
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    if (died) {
      const output = started.output();
      throw new MedproofError('NODE_START_FAILED', `chain node exited while starting`, {
        details: output,
        ...(/EADDRINUSE|address already in use/i.test(output) ? { field: PORT } : {}),
      });
    }
    try {
      const res = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
        signal: AbortSignal.timeout(1000),
      });
      const body = (await res.json()) as { result?: string };
      if (body.result !== undefined) {
        if (Number(body.result) !== expectChainId) {
          // Another process's node holds the port (taken between choosing it and our node binding it).
          throw new MedproofError(
            'NODE_START_FAILED',
            `node at ${rpcUrl} answers chain ${Number(body.result)}, expected ${expectChainId}`,
            { field: PORT },
          );
        }
        return;
      }
    } catch (error) {
      if (error instanceof MedproofError) throw error;
    }
    if (Date.now() > deadline) {
      throw new MedproofError(
        'NODE_START_FAILED',
        `chain node did not answer on ${rpcUrl} within ${timeoutMs} ms`,
        {
          details: started.output(),
        },
      );
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}
