import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';

describe('contract build', () => {
  it('reproduces the committed artifact and typed ABI byte for byte from source', () => {
    const { artifact, typescript } = compile();
    expect(readFileSync(new URL('./artifacts/MedproofRegistry.json', import.meta.url), 'utf8')).toBe(
      artifact,
    );
    expect(readFileSync(new URL('../src/chain/registryAbi.ts', import.meta.url), 'utf8')).toBe(typescript);
  });
});
