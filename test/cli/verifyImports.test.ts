import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toHex } from 'viem';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp.js';

/**
 * What `medproof verify` loads, recorded by a module-load hook in the real process: a verifier needs core
 * and a chain reader, so none of the portal, its database, argon2, fastify or viem may load at start-up
 * (they made a 16 ms check take 1.5 s). Static import graphs cannot see this: main.ts imports commands lazily.
 */
describe('medproof verify --rpc', () => {
  const dir = tmpDir('medproof-verify-imports-');
  afterAll(() => dir.remove());

  const b32 = () => toHex(randomBytes(32));
  const v1 = () => ({
    version: 1,
    docHash: b32(),
    salt: b32(),
    patientRef: b32(),
    issuer: toHex(randomBytes(20)),
    docType: 'report',
    issuedAt: 1_764_000_000,
    leaf: b32(),
    proof: [],
    root: b32(),
    chainId: 31337,
    registry: toHex(randomBytes(20)),
    txHash: b32(),
    blockNumber: 1,
  });
  const institution = { name: 'City Hospital', domain: 'city-hospital.example' };
  const v2 = () => ({
    ...v1(),
    version: 2,
    issuerProfile: {
      name: 'Dr. A. Deshpande',
      registrationNumber: '2011/04/1234',
      council: 'MMC',
      institution,
      passkeys: [],
      salt: b32(),
    },
    institution: { ...institution, salt: b32() },
  });

  it.each([
    ['v1', v1],
    ['v2', v2],
  ])(
    'loads no server, store, anchoring, database, argon2, fastify or viem module (%s receipt)',
    async (version, make) => {
      const list = join(dir.path, `modules-${version}.txt`);
      const hooks = join(dir.path, `hooks-${version}.mjs`);
      writeFileSync(
        hooks,
        `import { appendFileSync } from 'node:fs';\n` +
          `export async function load(url, context, next) { appendFileSync(${JSON.stringify(list)}, url + '\\n'); return next(url, context); }\n`,
      );
      const register = join(dir.path, `register-${version}.mjs`);
      writeFileSync(
        register,
        `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
      );
      const file = join(dir.path, `report-${version}.txt`);
      writeFileSync(file, 'hb 13.5');
      writeFileSync(`${file}.receipt.json`, JSON.stringify(make()));
      // Port 1 refuses: the chain checks are ERROR, every local check still runs (and loads its modules).
      const run = spawnCli(['verify', file, '--rpc', 'http://127.0.0.1:1', '--json'], {
        cwd: dir.path,
        env: { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(register).href}` },
      });
      expect(await run.exited, run.stderr()).toBe(1);
      expect(JSON.parse(run.stdout())).toMatchObject({ verdict: 'TAMPERED' });
      const loaded = readFileSync(list, 'utf8').trim().split('\n');
      const command = loaded.find((u) => u.endsWith('/dist/cli/commands/verify.js'));
      expect(command, 'the hook saw the verify command').toBeDefined();
      // The command is one bundled file (scripts/bundleCli.mjs): what it holds is listed in its
      // module comments (`// dist/core/…`, `// node_modules/…`), and counts as loaded.
      const bundled = [
        ...readFileSync(new URL(command!), 'utf8').matchAll(/^\/\/ ((?:dist|node_modules)\/\S+)$/gm),
      ].map(([, path]) => `/${path}`);
      // Not vacuous: the bundle holds core's verification.
      expect(bundled).toContain('/dist/core/verify/verifyDocument.js');
      const forbidden = [...loaded, ...bundled].filter((u) =>
        /\/(dist|src)\/(server|store|anchoring|system)\/|\/node_modules\/(fastify|@fastify|kysely|better-sqlite3|pg|@node-rs|argon2|viem|pino)\//.test(
          u,
        ),
      );
      expect(forbidden).toEqual([]);
      // Start-up is module loading: the command and what it needs, not hundreds of files.
      expect(loaded.length).toBeLessThan(60);
    },
  );
});
