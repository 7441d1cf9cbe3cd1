// `npm start` runs this first: rebuild only if a source is newer than the build (e.g. after git pull
// without npm install). `npm install` builds everything already (the prepare script).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

const built = ['dist/cli/main.js', 'dist/web/index.html', 'dist/verifier-page/verify.html'].map((f) =>
  join(root, f),
);
const stale =
  built.some((f) => !existsSync(f)) ||
  Math.max(newest(join(root, 'src')), newest(join(root, 'web/src'))) >
    Math.min(...built.map((f) => statSync(f).mtimeMs));
if (stale) {
  console.error('medproof: building (sources changed since the last build)…');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}
