import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

/**
 * Runs exactly what `npm run deps` runs (same CLI, config and report), so the exit code is the one
 * `npm run check` sees; the violations are read from its report lines (`error rule: from → to`).
 */
async function cruise(args: string[]): Promise<{ exitCode: number; violations: Violation[] }> {
  const { stdout, code } = await promisify(execFile)(
    process.execPath,
    [depcruise, '--config', '.dependency-cruiser.cjs', ...args],
    // CI=true makes depcruise colour its report even into a pipe: ask for plain text, strip what is left.
    {
      cwd: root,
      timeout: 90_000,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  ).then(
    (r) => ({ stdout: r.stdout, code: 0 }),
    // depcruise exits with the number of errors: a failed check arrives as a rejection with stdout.
    (e: { stdout?: string; code?: unknown }) => {
      if (typeof e.code !== 'number' || e.stdout === undefined) throw e;
      return { stdout: e.stdout, code: e.code };
    },
  );
  // eslint-disable-next-line no-control-regex
  const plain = stdout.replace(/\x1b\[[0-9;]*m/g, '');
  const violations = [...plain.matchAll(/^\s*error (\S+): (\S+) → (\S*)/gm)].map(([, rule, from, to]) => ({
    rule: rule!,
    from: from!,
    to: to!,
  }));
  return { exitCode: code, violations };
}

// A folder name of its own, so nothing real is touched and a crashed run is easy to spot and delete.
const probe = `__probe_${process.pid}__`;

/** Violations planted deep inside folders that exist today: rules must cover every subfolder. */
const PROBES = [
  {
    file: `src/chain/${probe}/deep/violation.ts`,
    source: `import { buildApp } from '../../../server/app.js';\nexport const probe = buildApp;\n`,
    rule: 'chain-imports-only-core-and-leaves',
  },
  {
    file: `src/core/${probe}/x/y/violation.ts`,
    source: `import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n`,
    rule: 'core-no-node-builtins',
  },
  {
    file: `web/src/${probe}/x/violation.ts`,
    source: `import { openDatabase } from '../../../../src/store/db/openDatabase.js';\nexport const probe = openDatabase;\n`,
    rule: 'web-imports-only-core-and-api',
  },
  {
    // Each layer has one public surface: a file inside core is not it, core's index.ts is.
    file: `src/store/${probe}/deep/violation.ts`,
    source: `import { computeLeaf } from '../../../core/leaf/computeLeaf.js';\nexport const probe = computeLeaf;\n`,
    rule: 'layers-meet-at-their-index',
  },
  {
    file: `web/src/${probe}/surface.ts`,
    source: `import { computeLeaf } from '../../../src/core/leaf/computeLeaf.js';\nexport const probe = computeLeaf;\n`,
    rule: 'web-meets-src-at-its-index',
  },
  {
    // A leaf may not lean on another leaf: the rule compares the importing leaf with the imported one.
    file: `src/log/${probe}/violation.ts`,
    source: `import { loadConfig } from '../../config/loadConfig.js';\nexport const probe = loadConfig;\n`,
    rule: 'leaves-import-only-core',
  },
];

describe('layers (npm run deps)', () => {
  it('fails on a violation in a nested folder, naming the rule', { timeout: 120_000 }, async () => {
    try {
      for (const p of PROBES) {
        mkdirSync(dirname(join(root, p.file)), { recursive: true });
        writeFileSync(join(root, p.file), p.source);
      }
      // Depth 1: the probes' own imports are what is under test, not the whole tree behind them.
      const { exitCode, violations } = await cruise(['--max-depth', '1', ...PROBES.map((p) => p.file)]);
      expect(exitCode).not.toBe(0);
      for (const p of PROBES) {
        expect(
          violations.filter((v) => v.from === p.file).map((v) => v.rule),
          p.file,
        ).toContain(p.rule);
      }
    } finally {
      for (const top of ['src/chain', 'src/core', 'web/src', 'src/log', 'src/store']) {
        rmSync(join(root, top, probe), { recursive: true, force: true });
      }
    }
  });

  it('passes on the real tree', { timeout: 120_000 }, async () => {
    const { exitCode, violations } = await cruise(['src', 'web/src']);
    expect(violations).toEqual([]);
    expect(exitCode).toBe(0);
  });
});
