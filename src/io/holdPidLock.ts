import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes a lock file holding this process's pid: `{ release }` when taken, `{ owner }` (a live pid,
 * possibly this process's own) when someone holds it. A lock left by a dead process (`kill -9`) is
 * cleared and taken.
 */
export function holdPidLock(path: string): { release(): void } | { owner: number } {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let held = true;
      return {
        release() {
          if (held) rmSync(path, { force: true });
          held = false;
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let text: string;
      try {
        text = readFileSync(path, 'utf8').trim();
      } catch {
        continue; // removed meanwhile: try again
      }
      // Empty: another process created it and is about to write its pid. Busy, not stale.
      if (text === '') return { owner: NaN };
      const owner = Number(text);
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) return { owner };
      rmSync(path, { force: true });
    }
  }
  return { owner: NaN };
}
