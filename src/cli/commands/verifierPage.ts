import { readFileSync, writeFileSync } from 'node:fs';
import { MedproofError } from '../../core/index.js';
import { EXIT } from '../exitCodes.js';
import type { Output } from '../output.js';

/**
 * The standalone verifier, built by `npm run build` (web/vite.verifier.config.ts) beside the compiled
 * CLI: dist/cli/commands/ → dist/verifier-page/verify.html.
 */
const PAGE = new URL('../../verifier-page/verify.html', import.meta.url);

/**
 * `medproof verifier-page [--out FILE]`: prints (or writes) the one self-contained HTML file that
 * verifies a document and its receipt against any chain endpoint, opened from disk. It only copies a
 * built file, so it loads neither viem nor the portal.
 */
export function verifierPageCommand(out: Output, o: { out?: string }): number {
  let html: Buffer;
  try {
    html = readFileSync(PAGE);
  } catch {
    throw new MedproofError(
      'NOT_BUILT',
      `the verifier page is not built (${PAGE.pathname}): run \`npm run build\` in the medproof folder`,
    );
  }
  if (o.out === undefined) {
    process.stdout.write(html);
    return EXIT.OK;
  }
  try {
    writeFileSync(o.out, html);
  } catch (error) {
    throw new MedproofError(
      'FILE_UNWRITABLE',
      `cannot write ${o.out}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  out.result(`wrote the verifier page to ${o.out} (${html.length} bytes): open it in a browser`, {
    path: o.out,
    bytes: html.length,
  });
  return EXIT.OK;
}
