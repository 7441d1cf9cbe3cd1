import { defineConfig } from 'vite';
import { inlineBundle } from './inlineBundle.js';

// The standalone verifier (`medproof verifier-page`): one HTML file with everything inlined, built into
// dist/verifier-page/verify.html, which the CLI prints without loading anything else.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: './',
  build: {
    outDir: new URL('../dist/verifier-page', import.meta.url).pathname,
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    sourcemap: false,
    cssCodeSplit: false,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      input: new URL('./verifier.html', import.meta.url).pathname,
      output: { codeSplitting: false },
    },
  },
  plugins: [inlineBundle('verifier.html', 'verify.html')],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
