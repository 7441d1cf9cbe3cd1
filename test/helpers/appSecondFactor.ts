import type { Page } from 'playwright-core';
import { totpCodeAt } from '../../src/store/secondFactor/totpCode.js';
import { PASSWORD, type Client } from './portal.js';

/**
 * Sets up an authenticator app for a signed-in doctor or admin through the real API (the code that
 * confirms it is the current step's); returns its secret, so a browser test can sign the same person in
 * with a code (Chromium has no way to use the API client's software passkey).
 */
export async function enableAuthenticatorApp(c: Client): Promise<string> {
  // A client signed in long ago (a file's shared admin) confirms its password first, as a person would.
  let start = await c.post('/api/me/totp');
  if (start.status === 403 && start.json<{ error: { code: string } }>().error.code === 'STEP_UP_REQUIRED') {
    const stepped = await c.post('/api/me/step-up/password', { password: PASSWORD });
    if (stepped.status !== 200) throw new Error(`step-up refused: ${stepped.status} ${stepped.body}`);
    start = await c.post('/api/me/totp');
  }
  const setup = start.json<{ secret: string }>();
  const confirmed = await c.post('/api/me/totp/confirm', { code: totpCodeAt(setup.secret, Date.now()) });
  if (confirmed.status !== 200 && confirmed.status !== 201 && confirmed.status !== 204)
    throw new Error(`authenticator app not confirmed: ${confirmed.status} ${confirmed.body}`);
  return setup.secret;
}

/**
 * The browser's second sign-in step with a code from the app. The next step's code (one step of drift
 * is accepted): the current one was spent confirming the app, and a code is accepted once.
 */
export async function confirmWithApp(page: Page, secret: string): Promise<void> {
  await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor({ timeout: 30_000 });
  await page.getByLabel('Code from your authenticator app').fill(totpCodeAt(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
}
