import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/browser.js';
import { writeRandomFile } from './files.js';
import { median, ms, table } from './table.js';

const RUNS = 3;
const assets = new URL('../dist/web/assets/', import.meta.url).pathname;

/** Wall time of a command (ms), median of RUNS. */
function wall(command: string, args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    execFileSync(command, args, { stdio: 'ignore' });
    times.push(performance.now() - t);
  }
  return median(times);
}

// In the page: hash the chosen file with the portal's own worker, and watch the page's thread for
// long tasks (over 50 ms) meanwhile. A string: it runs in the page, whose DOM types Node does not load.
const HASH_IN_PAGE = (workerUrl: string, engine: string | undefined) => `new Promise((resolve, reject) => {
  const file = document.getElementById('f').files[0];
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
  });
  observer.observe({ entryTypes: ['longtask'] });
  const worker = new Worker(${JSON.stringify(workerUrl)}, { type: 'module' });
  const started = performance.now();
  worker.onmessage = (e) => {
    if (e.data.kind === 'done') {
      const elapsed = performance.now() - started;
      worker.terminate();
      setTimeout(() => {
        observer.disconnect();
        resolve({ elapsed, longest, digest: e.data.digest, engine: e.data.engine });
      }, 100);
    } else if (e.data.kind === 'failed') reject(new Error(e.data.message));
  };
  worker.onerror = (e) => reject(new Error(e.message));
  worker.postMessage({ file, engine: ${JSON.stringify(engine)} });
})`;

/**
 * The verify page's hashing as a browser runs it: the built Web Worker (WASM SHA-256, hash-wasm) in
 * Debian's Chromium over 1, 100 and 500 MB files, both engines it has (WebCrypto over the whole file,
 * as the verify page picks where the file fits in memory; WASM streaming), beside `openssl dgst -sha256`
 * and `sha256sum` of the same files, with the longest the page's own thread was blocked meanwhile (a
 * long task: over 50 ms; 0 when there was none). Printed, never asserted.
 */
export async function benchBrowserHash(dir: string): Promise<string> {
  if (!existsSync(assets)) throw new Error('the web UI is not built: run `npm run build`');
  const workerFile = readdirSync(assets).find((f) => /^sha256Worker-.*\.js$/.test(f));
  if (!workerFile) throw new Error('no sha256Worker asset in dist/web/assets: rebuild the web UI');
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/assets/') && /^[\w.-]+$/.test(path.slice(8))) {
      const file = join(assets, path.slice(8));
      if (existsSync(file)) {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
        return;
      }
    }
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>hash bench</title><input type="file" id="f">');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const rows: (string | number)[][] = [];
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/`);
    for (const mib of [1, 100, 500]) {
      const path = join(dir, `hash-${mib}.bin`);
      writeRandomFile(path, mib);
      try {
        await page.setInputFiles('#f', path);
        const expected = execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];
        const openssl = wall('openssl', ['dgst', '-sha256', path]);
        const coreutils = wall('sha256sum', [path]);
        // As the verify page chooses (WebCrypto where the file fits in memory), then WASM streaming.
        for (const engine of [undefined, 'wasm'] as const) {
          const runs: { elapsed: number; longest: number; digest: string; engine: string }[] = [];
          for (let i = 0; i < RUNS; i++)
            runs.push(
              await page.evaluate<(typeof runs)[number]>(HASH_IN_PAGE(`/assets/${workerFile}`, engine)),
            );
          if (runs.some((r) => r.digest !== `0x${expected}`))
            throw new Error(`the browser's digest of ${mib} MB differs from sha256sum's`);
          const browserMs = median(runs.map((r) => r.elapsed));
          rows.push([
            `${mib} MB`,
            runs[0]!.engine,
            ms(browserMs),
            ms(openssl),
            ms(coreutils),
            (browserMs / openssl).toFixed(1),
            `${((mib * 2 ** 20) / 1e6 / (browserMs / 1000)).toFixed(0)} MB/s`,
            ms(Math.max(...runs.map((r) => r.longest))),
          ]);
        }
      } finally {
        rmSync(path, { force: true });
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  return table(
    'Browser hashing in a Web Worker (WebCrypto or WASM) vs openssl and sha256sum, same file, ms (median of 3)',
    [
      'file',
      'engine',
      'Chromium worker',
      'openssl dgst',
      'sha256sum',
      'browser / openssl',
      'browser speed',
      'longest page block',
    ],
    rows,
  );
}
