import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** CLI and browser tests run what users run: build the command and the web UI from the current sources first. */
export default function setup(): void {
  const require = createRequire(import.meta.url);
  const cwd = new URL('..', import.meta.url).pathname;
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
    cwd,
  });
  // `medproof verify` runs as one bundled file, as `npm run build` leaves it.
  execFileSync(process.execPath, ['scripts/bundleCli.mjs'], { stdio: 'inherit', cwd });
  const vite = join(dirname(require.resolve('vite/package.json')), 'bin/vite.js');
  execFileSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
    cwd,
  });
  // The standalone verifier page (`medproof verifier-page` prints it), as `npm run build` leaves it.
  execFileSync(
    process.execPath,
    [vite, 'build', '--config', 'web/vite.verifier.config.ts', '--logLevel', 'warn'],
    { stdio: 'inherit', cwd },
  );
}
