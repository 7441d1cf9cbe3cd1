import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReadme } from '../../scripts/renderErrorTables.js';
import { SETTINGS } from '../../src/config/settings.js';
import { isErrorCode } from '../../src/core/errors/errorCatalog.js';

const root = new URL('../..', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The README is where users look up settings and codes: it must not fall behind the code. */
describe('README', () => {
  it('shows the quick start and test commands exactly', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it('documents every setting with its variable', () => {
    for (const [key, s] of Object.entries(SETTINGS)) {
      expect(readme, key).toContain(`\`${s.env}\``);
      expect(readme, key).toContain(`\`${key}\``);
    }
  });

  it('shows the error tables exactly as the catalog renders them (npm run docs rewrites them)', () => {
    expect(readme).toContain('<!-- generated:error-codes -->');
    expect(readme).toContain('<!-- generated:api-error-codes -->');
    expect(renderReadme(readme)).toBe(readme);
  });

  // MedproofError codes are checked by the compiler; check results, fail(...) and plain `code:` strings
  // are not, so the source is scanned for them: each must be in the catalog, hence in the tables.
  it('has every error code the source can produce in the catalog', () => {
    const codes = new Set<string>();
    const patterns = [
      /new MedproofError\(\s*'([A-Z_]+)'/g,
      /new Transient\(\s*'([A-Z_]+)'/g,
      /recordFailed\([^)]*?'([A-Z_]+)'/g,
      /check\('\w+',\s*'(?:INVALID|ERROR)',\s*'([A-Z_]+)'/g,
      /fail\('([A-Z_]+)'/g,
      /new HttpError\(\s*'([A-Z_]+)'/g,
      /\b(?:httpError|badRequest|forbidden|conflict|unauthorized)\(\s*'([A-Z_]+)'/g,
      /code: '([A-Z_]+)'/g,
    ];
    for (const file of sources(join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const re of patterns) for (const m of text.matchAll(re)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(20);
    const missing = [...codes].filter((c) => !isErrorCode(c) || !readme.includes(`\`${c}\``));
    expect(missing).toEqual([]);
  });
});
