import { defineConfig } from 'vite';

// The browser UI: built into dist/web, served by the portal (same origin, strict CSP: no inline code).
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/',
  build: {
    outDir: new URL('../dist/web', import.meta.url).pathname,
    emptyOutDir: true,
    // The preload polyfill would be inline code, which the CSP forbids; modern browsers need none.
    modulePreload: { polyfill: false },
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
