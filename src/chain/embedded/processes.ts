import { readFileSync } from 'node:fs';

/** True when `pid` is a live process whose command line mentions `name` (guards against pid reuse). */
export function processAlive(pid: number, name?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!name) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(name);
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

/** Asks a process to exit, then kills it; resolves once it is gone or `graceMs` more has passed. */
export async function terminate(pid: number, graceMs = 10_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (processAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    const hard = Date.now() + 2000;
    while (processAlive(pid) && Date.now() < hard) await new Promise((r) => setTimeout(r, 20));
  }
}

/** A free TCP port on 127.0.0.1, for nodes started for one command. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
