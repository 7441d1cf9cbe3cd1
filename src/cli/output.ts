import { exitCodeOf, isMedproofError } from '../core/index.js';

/** Prints results for people (default) or as one JSON document (`--json`), and errors as one line. */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  /** A result: `human` lines for people, `data` for machines. */
  result(human: string | string[], data: unknown): void {
    if (this.json) this.stdout.write(`${JSON.stringify(data, bigintSafe, 2)}\n`);
    else this.stdout.write(`${([] as string[]).concat(human).join('\n')}\n`);
  }

  /** A long-running command's event: one JSON line for machines, `human` lines for people. */
  event(human: string | string[], data: unknown): void {
    if (this.json) this.stdout.write(`${JSON.stringify(data, bigintSafe)}\n`);
    else this.stdout.write(`${([] as string[]).concat(human).join('\n')}\n`);
  }

  /** Progress or notes for people; silent in JSON mode so stdout stays parseable. */
  note(line: string): void {
    if (!this.json) this.stderr.write(`${line}\n`);
  }

  /** One clear line, never a stack trace; returns the catalog's exit code for the code (default 2). */
  error(error: unknown): number {
    const known = isMedproofError(error);
    const code = known ? error.code : 'INTERNAL_ERROR';
    const message = known
      ? error.message
      : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    if (this.json) this.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    else this.stderr.write(`medproof: ${message}\n`);
    return exitCodeOf(code);
  }
}

export const bigintSafe = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
