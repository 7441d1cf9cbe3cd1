#!/usr/bin/env node
// The `medproof` command. The TypeScript is compiled to dist/ by `npm install` (the prepare script).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('medproof: not built yet: run `npm install` (or `npm run build`) in the medproof folder');
  process.exit(2);
}
await import(main.href);
