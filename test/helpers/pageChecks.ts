import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// (The checks are strings, not functions: they run in the page, whose DOM types the Node tests do not load.)

/**
 * Elements that reach past the viewport's edges, and whether the page scrolls sideways. Hidden ones
 * (no box) do not count, nor what an ancestor clips (overflow hidden or clip, as visually-hidden text
 * for screen readers is) when that ancestor itself fits. A sideways scroller (overflow auto) does not
 * excuse its content: on a phone nothing should need one.
 */
const OVERFLOWING = `(() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const clippedInside = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      const clips = s.overflowX === 'hidden' || s.overflowX === 'clip' || s.clipPath !== 'none';
      if (clips) {
        const r = a.getBoundingClientRect();
        if (r.right <= width + 1 && r.left >= -1) return true;
      }
    }
    return false;
  };
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if ((r.right > width + 1 || r.left < -1) && !clippedInside(el)) {
      const id = el.id ? '#' + el.id : '';
      const cls = typeof el.className === 'string' && el.className ? '.' + el.className.split(' ').join('.') : '';
      out.push(el.tagName.toLowerCase() + id + cls + ' [' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + width + ']');
    }
  }
  if (document.documentElement.scrollWidth > width) out.push('the page scrolls sideways');
  return out;
})()`;

/**
 * Words (runs of letters, as a person reads them) whose letters the layout put on two lines: a range
 * over the word has more than one line box. Machine strings (.mono: fingerprints, addresses) may break.
 */
const BROKEN_WORDS = `(() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('.mono, script, style, option, .visually-hidden, input, textarea')) continue;
    const text = n.textContent || '';
    // Whitespace-separated tokens; a token with a digit is a machine string (an address, a hash) even
    // in a sentence, and may break. Hyphenated words may wrap at their hyphen: each part is checked.
    for (const token of text.matchAll(/\\S+/g)) {
      if (/\\d/.test(token[0])) continue;
      for (const m of token[0].matchAll(/\\p{L}+(?:['’]\\p{L}+)*/gu)) {
        const start = token.index + m.index;
        range.setStart(n, start);
        range.setEnd(n, start + m[0].length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
        const lines = new Set(rects.map((r) => Math.round(r.top)));
        if (lines.size > 1) out.push(m[0] + ' (in ' + el.tagName.toLowerCase() + ')');
      }
    }
  }
  return out;
})()`;

export async function overflowingElements(page: Page): Promise<string[]> {
  return await page.evaluate<string[]>(OVERFLOWING);
}

export async function brokenWords(page: Page): Promise<string[]> {
  return await page.evaluate<string[]>(BROKEN_WORDS);
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core's WCAG 2.1 A/AA and best-practice rules on the page as it is now. axe is loaded through the
 * DevTools protocol (page.evaluate), not a <script> tag, so the portal's CSP stays as users get it.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(`${AXE_SOURCE}\n;undefined`);
  return await page.evaluate<AxeViolation[]>(`axe
    .run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] })
    .then((r) => r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + n.failureSummary),
    })))`);
}
