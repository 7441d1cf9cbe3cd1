import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** CLI tests run the built `medproof` command exactly as users do: build it from the current sources first. */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
    cwd: new URL('..', import.meta.url).pathname,
  });
}
