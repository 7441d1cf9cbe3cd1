import type { HashMessage, HashRequest } from '../workers/sha256Worker.js';

/** Hashing stopped because the user cancelled it (the signal was aborted). */
export class HashCancelled extends Error {
  constructor() {
    super('hashing cancelled');
    this.name = 'HashCancelled';
  }
}

/** Hashing could not read the file (it moved or changed on disk, or the worker could not start). */
export class HashFailed extends Error {
  constructor(readonly detail: string) {
    super(`the file could not be read: ${detail}`);
    this.name = 'HashFailed';
  }
}

/**
 * SHA-256 of a local file in a Web Worker (WASM, streaming): the page's thread only receives progress,
 * so it stays responsive; memory stays at one slice; the file never leaves the browser. Aborting
 * `signal` terminates the worker at once and rejects with HashCancelled.
 */
export function hashInBrowser(
  file: Blob,
  onProgress: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<`0x${string}`> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new HashCancelled());
      return;
    }
    const worker = new Worker(new URL('../workers/sha256Worker.ts', import.meta.url), { type: 'module' });
    const stop = () => {
      worker.terminate();
      signal?.removeEventListener('abort', cancel);
    };
    const cancel = () => {
      stop();
      reject(new HashCancelled());
    };
    signal?.addEventListener('abort', cancel, { once: true });
    worker.onmessage = (e: MessageEvent<HashMessage>) => {
      const m = e.data;
      if (m.kind === 'progress') onProgress(m.done, m.total);
      else if (m.kind === 'done') {
        stop();
        resolve(m.digest);
      } else {
        stop();
        reject(new HashFailed(m.message));
      }
    };
    worker.onerror = (e) => {
      stop();
      reject(new HashFailed(e.message || 'the hashing worker failed to start'));
    };
    worker.postMessage({ file } satisfies HashRequest);
  });
}
