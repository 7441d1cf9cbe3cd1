import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The README's "## Architecture" section, up to the next top-level heading. */
function architectureSection(): string {
  const start = readme.indexOf('\n## Architecture\n');
  expect(start, 'README has a "## Architecture" section').toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** The section's picture: its first fenced block. */
function picture(): string {
  const match = /\n```\n([\s\S]*?)\n```\n/.exec(architectureSection());
  expect(match, 'the Architecture section has a picture').not.toBeNull();
  return match![1]!;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A folder added under src/ without a place in the picture is a layer nobody was told about. */
describe('README architecture picture', () => {
  const folders = readdirSync(join(root, 'src'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);

  it('reads the real folders', () => {
    expect(folders).toEqual(expect.arrayContaining(['core', 'chain', 'store', 'server', 'cli']));
  });

  it('gives every folder under src/ a line with its role and what it may import', () => {
    const lines = picture().split('\n');
    const missing = folders.filter(
      // ` src/x     role … ─► allowed`: the folder opens the line, a role follows, then the arrow.
      (f) => !lines.some((l) => new RegExp(`^\\s*src/${escape(f)}\\s+\\S.*─►\\s*\\S`).test(l)),
    );
    expect(missing).toEqual([]);
  });
});
