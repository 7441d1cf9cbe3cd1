/**
 * Rewrites the README's two error tables from the catalog (src/core/errors/errorCatalog.ts), between
 * their `<!-- generated:… -->` markers; the prose around them is left alone. `npm run docs` runs it;
 * test/docs/readme.test.ts renders the same tables in memory and fails when the README differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOG, type ErrorCatalogEntry } from '../src/core/errors/errorCatalog.js';

const entries = Object.entries(ERROR_CATALOG) as [string, ErrorCatalogEntry][];
const row = (cells: readonly (string | number)[]) =>
  `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`.replaceAll('|  |', '| |');

/** Every code that can come from outside the API, in catalog order (grouped by area). */
export function renderGeneralTable(): string {
  const rows = entries
    .filter(([, e]) => e.where.some((w) => w !== 'API'))
    .map(([code, e]) => row([`\`${code}\``, e.where.join(', '), e.exit ?? '', e.meaning]));
  return ['| code | where | exit | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** Every code the API answers, by status then code. */
export function renderApiTable(): string {
  const rows = entries
    .flatMap(([code, e]) => (e.http === undefined ? [] : [{ code, http: e.http, meaning: e.meaning }]))
    .sort((a, b) => a.http - b.http || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((r) => row([`\`${r.code}\``, r.http, r.meaning]));
  return ['| code | status | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export const GENERATED_TABLES: Readonly<Record<string, () => string>> = {
  'error-codes': renderGeneralTable,
  'api-error-codes': renderApiTable,
};

/** The README with every generated section replaced; throws when a marker pair is missing. */
export function renderReadme(readme: string): string {
  let out = readme;
  for (const [name, render] of Object.entries(GENERATED_TABLES)) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README.md: missing ${open} … ${close}`);
    out = `${out.slice(0, start + open.length)}\n${render()}\n${out.slice(end)}`;
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = fileURLToPath(new URL('../README.md', import.meta.url));
  const before = readFileSync(path, 'utf8');
  const after = renderReadme(before);
  if (after !== before) writeFileSync(path, after);
  process.stdout.write(
    after === before ? 'README.md: error tables up to date\n' : 'README.md: error tables rewritten\n',
  );
}
