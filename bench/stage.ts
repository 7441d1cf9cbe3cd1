/**
 * `tsx bench/stage.ts NAME DIR [--full]`: one benchmark stage in its own process, so bench/run.ts can
 * stop it at its time limit (with the nodes it started) and go on with the next. The table goes to
 * stdout; a failure is one line on stderr and exit code 1.
 */
import { FAILURE_MARK, STAGES } from './stages.js';

const [name, dir] = process.argv.slice(2);
const stage = STAGES.find((s) => s.name === name);
if (!stage || !dir) {
  process.stderr.write(`usage: tsx bench/stage.ts ${STAGES.map((s) => s.name).join('|')} DIR [--full]\n`);
  process.exit(2);
}
try {
  process.stdout.write(`${await stage.run(dir, { full: process.argv.includes('--full') })}\n`);
  // Stray handles (a kept-alive socket, a timer) must not keep a finished stage alive until its limit.
  process.exit(0);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  // The stack for whoever reads the log; the marked last line for run.ts's summary.
  if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.stderr.write(`${FAILURE_MARK}${message.split('\n')[0]}\n`);
  process.exit(1);
}
