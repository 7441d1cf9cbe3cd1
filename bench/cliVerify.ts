import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { anchorPointOf } from '../src/anchoring/anchorPointOf.js';
import { toHex } from '../src/core/hash/hex.js';
import { computeLeaf } from '../src/core/leaf/computeLeaf.js';
import type { LeafFields } from '../src/core/leaf/LeafFields.js';
import { buildReceipt } from '../src/core/receipt/buildReceipt.js';
import { hashFile } from '../src/io/hashFile.js';
import { enqueueLeaves } from '../src/store/anchorQueue/anchorQueue.js';
import { writeRandomFile } from './files.js';
import { benchSystem } from './system.js';
import { median, ms, table } from './table.js';

const RUNS = 10;
const bin = new URL('../bin/medproof.js', import.meta.url).pathname;

/** Wall time of `command args` (ms) over RUNS runs: p50 and fastest. */
function wall(command: string, args: string[]): { p50: number; min: number } {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    execFileSync(command, args, { stdio: 'ignore' });
    times.push(performance.now() - t);
  }
  return { p50: median(times), min: Math.min(...times) };
}

/**
 * `medproof verify FILE --receipt R --rpc URL` as a user runs it (a new Node process from bin/, the
 * build in dist/), beside `sha256sum` of the same 1 MB file and a bare Node start-up: what the command
 * costs over hashing is start-up, and start-up is mostly the modules it loads.
 */
export async function benchCliVerify(dir: string): Promise<string> {
  if (!existsSync(new URL('../dist/cli/main.js', import.meta.url)))
    throw new Error('dist/ is not built: run `npm run build` (the CLI runs from dist/)');
  const sys = await benchSystem(join(dir, 'cli-verify'), 'anvil');
  try {
    const path = join(dir, 'cli-verify.bin');
    writeRandomFile(path, 1);
    const { docHash } = await hashFile(path);
    const fields: LeafFields = {
      docHash,
      salt: toHex(randomBytes(32)),
      patientRef: toHex(randomBytes(32)),
      issuer: sys.chain.admin.address,
      docType: 'report',
      issuedAt: Math.floor(Date.now() / 1000),
    };
    const leaf = computeLeaf(fields);
    await enqueueLeaves(sys.db.kysely, [leaf]);
    sys.engine.kick();
    await sys.engine.whenAnchored([leaf]);
    const receipt = buildReceipt(fields, leaf, (await anchorPointOf(sys.db.kysely, leaf))!.point!);
    writeFileSync(`${path}.receipt.json`, `${JSON.stringify(receipt, null, 2)}\n`);

    const verifyArgs = [
      bin,
      'verify',
      path,
      '--rpc',
      sys.chain.conn.rpcUrl,
      '--registry',
      sys.chain.registry,
    ];
    // A verify that does not say VALID would time the wrong thing: check once, loudly.
    const once = execFileSync(process.execPath, verifyArgs, { encoding: 'utf8' });
    if (!once.startsWith('VALID')) throw new Error(`bench document did not verify: ${once}`);
    const verify = wall(process.execPath, verifyArgs);
    const sha = wall('sha256sum', [path]);
    const node = wall(process.execPath, ['-e', '0']);
    const row = (what: string, t: { p50: number; min: number }) => [what, ms(t.p50), ms(t.min)];
    return table(
      `CLI: \`medproof verify\` of a 1 MB file against anvil, a new process each time (${RUNS} runs)`,
      ['command', 'p50 (ms)', 'fastest (ms)'],
      [
        row('medproof verify FILE --rpc URL (node bin/medproof.js)', verify),
        row('sha256sum FILE', sha),
        row('node -e 0 (Node start-up alone)', node),
        ['paper: read-back from the chain (Table 2, 1 MB)', '2,000-3,000', ''],
      ],
    );
  } finally {
    await sys.stop();
  }
}
