// `npm run build` step: the CLI's entry and its `verify` command, each as one bundled file in place
// of tsc's output for it.
//
// Why: a verifier should start in well under 300 ms, and Node's start-up is module loading. Unbundled,
// Node loads every module behind every index.ts a file imports (all of core's surface: patient-id
// parsing, the password list, every TypeBox schema): hundreds of files. esbuild keeps only what is used
// (this project's modules are marked side-effect free) and Node reads one file. Each bundle stays where
// tsc put its file, so relative URLs (`import.meta.url`) and the lazily loaded modules around it
// resolve as before; the other commands stay tsc's output and load only when run.
import { build } from 'esbuild';
import { resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = `${root}dist/cli/`;

/**
 * Bundles `entry` over itself; `keep` says which of its own relative imports stay files of dist/.
 * The bundled modules' paths stay as comments: test/cli/verifyImports.test.ts reads them.
 */
async function bundle(entry, keep) {
  await build({
    entryPoints: [entry],
    outfile: entry,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
    // CommonJS packages inside (commander) require Node's built-ins: give them a real require.
    banner: {
      js: "import { createRequire as __medproofRequire } from 'node:module';\nconst require = __medproofRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'project-modules',
        setup(b) {
          b.onResolve({ filter: /^\.\.?\// }, (args) => {
            if (!args.importer.startsWith(`${root}dist/`)) return undefined;
            if (args.importer === entry && keep(args.path)) return { external: true };
            // This project's modules have no import-time effects: what is not used is left out, even
            // behind an index.ts.
            return { path: resolve(args.resolveDir, args.path), sideEffects: false };
          });
        },
      },
    ],
  });
}

// Every command is loaded by main only when it runs.
await bundle(`${dist}main.js`, (path) => path.startsWith('./commands/'));
// Verify without --rpc joins the data folder's chain: that path (and viem) loads only then.
await bundle(`${dist}commands/verify.js`, (path) => path === '../openChain.js');
// Printing the standalone verifier page needs one error class, not core's whole surface.
await bundle(`${dist}commands/verifierPage.js`, () => false);
