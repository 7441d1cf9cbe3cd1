import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { tmpDir } from '../helpers/tmp.js';

const assets = new URL('../../dist/web/assets/', import.meta.url).pathname;
const MiB = 2 ** 20;

interface Run {
  readonly digest: string;
  readonly engine: string;
  readonly progress: readonly { done: number; total: number }[];
  readonly afterDone: number;
}

// In the page: the built worker hashes the chosen file; every message is kept. A string: it runs in
// the page, whose DOM types the Node tests do not load.
const HASH = (workerUrl: string, request: Record<string, string>) => `new Promise((resolve, reject) => {
  const worker = new Worker(${JSON.stringify(workerUrl)}, { type: 'module' });
  const progress = [];
  let done;
  let afterDone = 0;
  worker.onmessage = (e) => {
    const m = e.data;
    if (done) afterDone++;
    if (m.kind === 'progress') progress.push({ done: m.done, total: m.total });
    else if (m.kind === 'done') {
      done = m;
      // Anything the worker still sends after its answer would show here.
      setTimeout(() => { worker.terminate(); resolve({ digest: m.digest, engine: m.engine, progress, afterDone }); }, 50);
    } else reject(new Error(m.message));
  };
  worker.onerror = (e) => reject(new Error(e.message));
  worker.postMessage({ file: document.getElementById('f').files[0], ...${JSON.stringify(request)} });
})`;

/**
 * The verify page's hashing worker as built, in Chromium, on files around its read size (16 MiB):
 * each of its paths (WebCrypto over the whole file, WASM streaming; BYOB reads, and the slices a
 * browser without BYOB Blob streams gets) gives sha256's digest, with progress that only grows and
 * ends at the file's size, and nothing after the answer.
 */
describe('the SHA-256 worker', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let base = '';
  let workerUrl = '';
  const files = tmpDir('medproof-hash-');

  beforeAll(async () => {
    const worker = existsSync(assets) && readdirSync(assets).find((f) => /^sha256Worker-.*\.js$/.test(f));
    if (!worker) throw new Error('no sha256Worker asset in dist/web/assets (the global setup builds it)');
    workerUrl = `/assets/${worker}`;
    server = createServer((req, res) => {
      if (req.url === workerUrl)
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(assets, worker)));
      else
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><title>hash</title><input type="file" id="f">');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${base}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    files.remove();
  });

  const requests: Record<string, string>[] = [
    {},
    { engine: 'wasm' },
    { read: 'slices' },
    { engine: 'wasm', read: 'slices' },
  ];

  it.each([0, 1, 16 * MiB - 1, 16 * MiB, 16 * MiB + 1, 40 * MiB + 123])(
    '%i bytes: every path gives sha256’s digest, with progress up to the size',
    async (size) => {
      const path = join(files.path, `f-${size}.bin`);
      const data = randomBytes(size);
      writeFileSync(path, data);
      const expected = `0x${createHash('sha256').update(data).digest('hex')}`;
      await page.setInputFiles('#f', path);
      for (const request of requests) {
        const run = await page.evaluate<Run>(HASH(workerUrl, request));
        const what = `${size} bytes, ${JSON.stringify(request)}`;
        expect(run.digest, what).toBe(expected);
        expect(run.engine, what).toBe(request.engine ?? 'webcrypto');
        expect(run.afterDone, what).toBe(0);
        expect(run.progress.at(0), what).toEqual({ done: 0, total: size });
        expect(run.progress.at(-1), what).toEqual({ done: size, total: size });
        for (let i = 1; i < run.progress.length; i++)
          expect(run.progress[i]!.done, what).toBeGreaterThanOrEqual(run.progress[i - 1]!.done);
      }
    },
    60_000,
  );
});
