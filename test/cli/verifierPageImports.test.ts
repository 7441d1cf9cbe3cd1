import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp.js';

/**
 * `medproof verifier-page` copies a built file: recorded by a module-load hook in the real process, it
 * loads none of the chain, core's checks, portal, database or viem (the page's code is inlined in the HTML, not
 * run by the command).
 */
describe('medproof verifier-page', () => {
  const dir = tmpDir('medproof-verifier-page-imports-');
  afterAll(() => dir.remove());

  it('prints the page while loading no chain, verification, server, store, database or viem module', async () => {
    const list = join(dir.path, 'modules.txt');
    const hooks = join(dir.path, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';\n` +
        `export async function load(url, context, next) { appendFileSync(${JSON.stringify(list)}, url + '\\n'); return next(url, context); }\n`,
    );
    const register = join(dir.path, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    const run = spawnCli(['verifier-page'], {
      cwd: dir.path,
      env: { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(register).href}` },
    });
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stdout()).toContain('<title>medproof verifier</title>');
    const loaded = readFileSync(list, 'utf8').trim().split('\n');
    expect(loaded.some((u) => u.endsWith('/cli/commands/verifierPage.js'))).toBe(true);
    const forbidden = loaded.filter((u) =>
      /\/(dist|src)\/(server|store|anchoring|system|chain|core\/verify)\/|\/node_modules\/(fastify|@fastify|kysely|better-sqlite3|pg|@node-rs|argon2|viem|pino)\//.test(
        u,
      ),
    );
    expect(forbidden).toEqual([]);
  });

  it('--out into a folder that does not exist: one line, FILE_UNWRITABLE, exit 2', async () => {
    const run = spawnCli(['verifier-page', '--out', join(dir.path, 'missing', 'verify.html'), '--json'], {
      cwd: dir.path,
    });
    expect(await run.exited).toBe(2);
    expect(JSON.parse(run.stdout())).toMatchObject({ error: { code: 'FILE_UNWRITABLE' } });
  });
});
