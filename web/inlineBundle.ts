import type { Plugin } from 'vite';

/** A CSP source for an inline element's exact text (Web Crypto: this file is type-checked as browser code). */
async function cspHash(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
}

/**
 * Text inside <script> ends at the first `</script` whatever JS means by it, and `<!--` switches the
 * HTML parser into an escaped state: write both so JS reads the same and HTML sees neither.
 */
const scriptSafe = (js: string) => js.replaceAll('</script', '<\\/script').replaceAll('<!--', '<\\!--');
const styleSafe = (css: string) => css.replaceAll('</style', '<\\/style');

/**
 * Turns the built page `input` into ONE self-contained file `output`: its JS and CSS are inlined, the
 * separate files dropped, and a CSP meta tag (at `<!--CSP-->`) allows exactly those inline texts (by
 * hash), no other script, style, image or frame, and network access only through fetch (`connect-src`:
 * the JSON-RPC endpoint the verifier types). Opened from disk (file://) it loads nothing else.
 */
export function inlineBundle(input: string, output: string): Plugin {
  return {
    name: 'medproof-inline-bundle',
    apply: 'build',
    enforce: 'post',
    async generateBundle(_options, bundle) {
      const page = bundle[input];
      if (!page || page.type !== 'asset') throw new Error(`inlineBundle: ${input} was not built`);
      let html = String(page.source);
      const scripts: string[] = [];
      const styles: string[] = [];
      html = html.replace(
        /<script type="module" crossorigin src="(?:\.?\/)?([^"]+)"><\/script>/g,
        (_m, file: string) => {
          const chunk = bundle[file];
          if (!chunk || chunk.type !== 'chunk') throw new Error(`inlineBundle: no chunk ${file}`);
          delete bundle[file];
          const code = scriptSafe(chunk.code);
          scripts.push(code);
          return `<script type="module">${code}</script>`;
        },
      );
      html = html.replace(
        /<link rel="stylesheet" crossorigin href="(?:\.?\/)?([^"]+)">/g,
        (_m, file: string) => {
          const asset = bundle[file];
          if (!asset || asset.type !== 'asset') throw new Error(`inlineBundle: no stylesheet ${file}`);
          delete bundle[file];
          const css = styleSafe(String(asset.source));
          styles.push(css);
          return `<style>${css}</style>`;
        },
      );
      const leftover = Object.keys(bundle).filter((f) => f !== input && !f.endsWith('.map'));
      if (scripts.length !== 1 || leftover.length > 0 || /\s(src|href)="\.?\/?assets\//.test(html))
        throw new Error(
          `inlineBundle: not self-contained (scripts ${scripts.length}, left ${leftover.join(', ')})`,
        );
      const csp = [
        "default-src 'none'",
        `script-src ${(await Promise.all(scripts.map(cspHash))).join(' ')}`,
        `style-src ${(await Promise.all(styles.map(cspHash))).join(' ') || "'none'"}`,
        'img-src data:',
        'connect-src http: https:',
        "base-uri 'none'",
        "form-action 'none'",
      ].join('; ');
      if (!html.includes('<!--CSP-->')) throw new Error('inlineBundle: the page has no <!--CSP--> marker');
      html = html.replace('<!--CSP-->', `<meta http-equiv="Content-Security-Policy" content="${csp}" />`);
      delete bundle[input];
      this.emitFile({ type: 'asset', fileName: output, source: html });
    },
  };
}
