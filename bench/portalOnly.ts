// `npx tsx bench/portalOnly.ts`: only the portal benchmarks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPortal } from './portal.js';

const dir = mkdtempSync(join(tmpdir(), 'medproof-bench-portal-'));
try {
  process.stdout.write(`${await benchPortal(dir)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
