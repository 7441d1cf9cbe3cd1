/**
 * `npm run bench`: the paper's Tables 1 and 2 next to ours and this machine's hashing limit, anchoring
 * throughput, gas per document, Merkle timings and the portal over HTTP, printed as Markdown tables. Nothing here is asserted:
 * timings belong to the machine they were measured on.
 *
 *   npm run bench                 everything, on anvil and ganache
 *   npm run bench -- anvil        one node only
 */
import { cpus, tmpdir, totalmem } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_KINDS, type NodeKind } from '../src/chain/nodes/EmbeddedNode.js';
import { benchFileAnchoring } from './fileAnchoring.js';
import { benchGas } from './gas.js';
import { benchMerkle } from './merkle.js';
import { benchPortal } from './portal.js';
import { benchThroughput } from './throughput.js';

const only = process.argv
  .slice(2)
  .filter((a): a is NodeKind => (NODE_KINDS as readonly string[]).includes(a));
const kinds = only.length > 0 ? only : [...NODE_KINDS];
const dir = mkdtempSync(join(tmpdir(), 'medproof-bench-'));
const print = (s: string) => process.stdout.write(`${s}\n`);

print(
  `# medproof benchmarks\n\n${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
try {
  for (const kind of kinds) print(await benchFileAnchoring(dir, kind));
  for (const kind of kinds) print(await benchThroughput(dir, kind));
  print(await benchGas(dir));
  print(benchMerkle());
  print(await benchPortal(dir));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
