import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeViolations, brokenWords, overflowingElements } from './pageChecks.js';

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** A new screenshots folder under test-artifacts/screenshots, named after the suite and the time. */
export function screenshotsDir(suite: string): string {
  const dir = join(
    new URL('../..', import.meta.url).pathname,
    'test-artifacts',
    'screenshots',
    `${suite}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  );
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The page as it is now, at the phone size and at 1280x800: nothing wider than the viewport, no word
 * broken inside, no axe-core violation; a full-page screenshot of each into `dir`. Leaves the page at
 * the phone size. (What test/browser/phoneFlow.test.ts checks on its pages, for the other suites.)
 */
export function pageChecker(dir: string): {
  check: (page: Page, name: string) => Promise<void>;
  visited: string[];
} {
  const visited: string[] = [];
  let shot = 0;
  const check = async (page: Page, name: string) => {
    visited.push(name);
    for (const [size, viewport] of [
      ['390x844', PHONE],
      ['1280x800', DESKTOP],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      expect(await overflowingElements(page), `${name} at ${size}: wider than the viewport`).toEqual([]);
      expect(await brokenWords(page), `${name} at ${size}: words broken inside`).toEqual([]);
      expect(await axeViolations(page), `${name} at ${size}: axe`).toEqual([]);
      await page.screenshot({
        path: join(dir, `${String(++shot).padStart(2, '0')}-${name}-${size}.png`),
        fullPage: true,
      });
    }
    await page.setViewportSize(PHONE);
  };
  return { check, visited };
}
