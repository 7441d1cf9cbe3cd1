/**
 * `npm run bench`: the paper's Tables 1 and 2 next to ours and this machine's hashing limit, anchoring
 * throughput, gas per document, Merkle timings, the portal over HTTP and the CLI's verify, printed as
 * Markdown tables. Nothing here is asserted: timings belong to the machine they were measured on.
 *
 *   npm run bench                    every stage, on anvil and ganache, at the default sizes
 *   npm run bench -- --full          also 100 and 500 MB files and 10,000 documents one per transaction
 *   npm run bench -- anvil           the stages of one node (and those that need none)
 *   npm run bench -- gas cli-verify  only the stages named
 *   npm run bench -- --timeout=60    every stage's time limit, in seconds (default: per stage)
 *
 * Each stage runs in its own process with a time limit: a stage that fails or runs out of time is
 * stopped (with the nodes it started), says why, and the bench goes on; the end lists what failed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { NODE_KINDS, type NodeKind } from '../src/chain/nodes/EmbeddedNode.js';
import { FAILURE_MARK, STAGES, type Stage } from './stages.js';

const args = process.argv.slice(2);
const full = args.includes('--full');
const timeoutArg = args.find((a) => /^--timeout=\d+$/.test(a));
const timeoutS = timeoutArg ? Number(timeoutArg.slice('--timeout='.length)) : undefined;
const kinds = args.filter((a): a is NodeKind => (NODE_KINDS as readonly string[]).includes(a));
const names = args.filter((a) => STAGES.some((s) => s.name === a));
const unknown = args.filter(
  (a) => a !== '--full' && a !== timeoutArg && !kinds.includes(a as NodeKind) && !names.includes(a),
);
if (unknown.length > 0) {
  process.stderr.write(
    `npm run bench: unknown ${unknown.join(' ')}; stages: ${STAGES.map((s) => s.name).join(' ')}; nodes: ${NODE_KINDS.join(' ')}; --full\n`,
  );
  process.exit(2);
}
const chosen = STAGES.filter(
  (s) =>
    (names.length === 0 || names.includes(s.name)) &&
    (kinds.length === 0 || s.kind === undefined || kinds.includes(s.kind)),
);
const print = (s: string) => process.stdout.write(`${s}\n`);
const stageFile = new URL('./stage.ts', import.meta.url).pathname;

interface Outcome {
  readonly ok: boolean;
  readonly output: string;
  readonly why: string;
}

/** Runs a stage in a child process of its own process group, so a stop also ends its chain nodes. */
function runStage(stage: Stage, dir: string): Promise<Outcome> {
  const limit =
    timeoutS !== undefined ? timeoutS * 1000 : full ? stage.timeoutMs.full : stage.timeoutMs.normal;
  // execArgv carries tsx's loader to the child.
  const child = spawn(
    process.execPath,
    [...process.execArgv, stageFile, stage.name, dir, ...(full ? ['--full'] : [])],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  let errors = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => {
    errors += b.toString();
    process.stderr.write(b);
  });
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is gone already.
    }
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    group('SIGTERM');
    setTimeout(() => group('SIGKILL'), 10_000).unref();
  }, limit);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Whatever it left behind (a node it started) goes with it.
      group('SIGKILL');
      const lines = errors.split('\n').filter((l) => l.trim() !== '');
      const marked = lines.findLast((l) => l.startsWith(FAILURE_MARK));
      const last = marked ? marked.slice(FAILURE_MARK.length) : (lines.at(-1) ?? '');
      const why = timedOut
        ? `timed out after ${Math.round(limit / 1000)} s${full || timeoutS ? '' : ' (limits are longer with --full)'}`
        : code === 0
          ? ''
          : `exit ${code ?? signal}${last ? `: ${last}` : ''}`;
      resolve({ ok: code === 0 && !timedOut, output, why });
    });
  });
}

print(
  `# medproof benchmarks\n\n${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}${full ? ', full sizes' : ', default sizes (--full for all)'}`,
);
const dir = mkdtempSync(join(tmpdir(), 'medproof-bench-'));
const failed: { name: string; why: string }[] = [];
try {
  for (const stage of chosen) {
    const stageDir = join(dir, stage.name);
    mkdirSync(stageDir);
    const t = performance.now();
    const r = await runStage(stage, stageDir);
    // A stage that printed some tables before failing keeps them.
    if (r.output.trim()) print(r.output.trimEnd());
    if (!r.ok) {
      failed.push({ name: stage.name, why: r.why });
      print(`\n> stage **${stage.name}** failed: ${r.why}\n`);
    }
    process.stderr.write(
      `bench: ${stage.name} ${r.ok ? 'done' : 'FAILED'} in ${((performance.now() - t) / 1000).toFixed(0)} s\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failed.length > 0) {
  print(`\n### Failed stages\n\n${failed.map((f) => `- ${f.name}: ${f.why}`).join('\n')}\n`);
  process.exitCode = 1;
} else print(`\nAll ${chosen.length} stages done.`);
