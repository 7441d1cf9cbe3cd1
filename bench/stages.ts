import { NODE_KINDS, type NodeKind } from '../src/chain/nodes/EmbeddedNode.js';
import { benchBrowserHash } from './browserHash.js';
import { benchBrowserVerify } from './browserVerify.js';
import { benchCliVerify } from './cliVerify.js';
import { benchCostGrowth } from './costGrowth.js';
import { benchFileAnchoring } from './fileAnchoring.js';
import { benchGas } from './gas.js';
import { benchMerkle } from './merkle.js';
import { benchPortal } from './portal.js';
import { benchRpcProxy } from './rpcProxy.js';
import { benchReplicas } from './replicas.js';
import { benchThroughput } from './throughput.js';

export interface StageOptions {
  /** The long sizes too (500 MB files, 10,000 documents one per transaction). */
  readonly full: boolean;
}

export interface Stage {
  readonly name: string;
  /** The node the stage runs on, if it runs on one: `npm run bench -- anvil` keeps only anvil's. */
  readonly kind?: NodeKind;
  /** How long it may take before it is stopped, default and with --full. */
  readonly timeoutMs: { readonly normal: number; readonly full: number };
  run(dir: string, o: StageOptions): Promise<string>;
}

const MIN = 60_000;

/** Starts the one stderr line of a failed stage that bench/run.ts repeats in its summary. */
export const FAILURE_MARK = 'bench stage failed: ';

/** Every benchmark stage in the order the tables are printed; each runs in its own process (bench/stage.ts). */
export const STAGES: readonly Stage[] = [
  ...NODE_KINDS.map((kind): Stage => ({
    name: `files-${kind}`,
    kind,
    timeoutMs: { normal: 10 * MIN, full: 30 * MIN },
    run: (dir, o) => benchFileAnchoring(dir, kind, o),
  })),
  ...NODE_KINDS.map((kind): Stage => ({
    name: `throughput-${kind}`,
    kind,
    timeoutMs: { normal: 10 * MIN, full: 40 * MIN },
    run: (dir, o) => benchThroughput(dir, kind, o),
  })),
  { name: 'gas', kind: 'anvil', timeoutMs: { normal: 3 * MIN, full: 3 * MIN }, run: (dir) => benchGas(dir) },
  {
    name: 'merkle',
    timeoutMs: { normal: 5 * MIN, full: 5 * MIN },
    run: () => Promise.resolve(benchMerkle()),
  },
  {
    name: 'portal',
    kind: 'anvil',
    timeoutMs: { normal: 10 * MIN, full: 30 * MIN },
    run: (dir, o) => benchPortal(dir, o),
  },
  {
    name: 'cli-verify',
    kind: 'anvil',
    timeoutMs: { normal: 3 * MIN, full: 3 * MIN },
    run: (dir) => benchCliVerify(dir),
  },
  {
    // Replicas run bin/medproof.js (npm run build first); PostgreSQL and Debian's nginx as the tests use them.
    name: 'replicas',
    kind: 'anvil',
    timeoutMs: { normal: 10 * MIN, full: 10 * MIN },
    run: (dir) => benchReplicas(dir),
  },
  {
    // 10k and 100k documents by default, up to 1M with --full (or COST_MAX); SQLite and PostgreSQL.
    name: 'cost-growth',
    timeoutMs: { normal: 40 * MIN, full: 120 * MIN },
    run: (_dir, o) =>
      benchCostGrowth({ max: Number(process.env.COST_MAX ?? (o.full ? 1_000_000 : 100_000)) }),
  },
  {
    name: 'browser-hash',
    timeoutMs: { normal: 5 * MIN, full: 5 * MIN },
    run: (dir) => benchBrowserHash(dir),
  },
  {
    name: 'browser-verify',
    timeoutMs: { normal: 5 * MIN, full: 5 * MIN },
    run: (dir) => benchBrowserVerify(dir),
  },
  {
    name: 'rpc-proxy',
    kind: 'anvil',
    timeoutMs: { normal: 5 * MIN, full: 5 * MIN },
    run: (dir) => benchRpcProxy(dir),
  },
];
