import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/chain/embedded/processes.js';
import { STEP_UP_MS } from '../../src/store/accounts/sessions.js';
import { addPlatformAuthenticator, launchChromium } from '../helpers/browser.js';
import { axeViolations } from '../helpers/pageChecks.js';
import { PASSWORD, startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';

const shotsDir = join(
  new URL('../..', import.meta.url).pathname,
  'test-artifacts',
  'screenshots',
  `passkeys-${new Date().toISOString().replace(/[:.]/g, '-')}`,
);

/**
 * A doctor's passkey in a real browser: Chromium's virtual authenticator (DevTools Protocol, WebAuthn
 * domain: CTAP2, internal, resident keys, user verification) creates the passkey at the doctor's first
 * sign-in, then signs them in after the password and alone; a recovery code works once. The portal is
 * reached as http://localhost:PORT: browsers refuse IP addresses as WebAuthn RP ids.
 */
describe('passkeys in a browser', () => {
  let portal: TestPortal;
  let admin: Client;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let base: string;
  let email: string;
  let recoveryCode = '';
  let shot = 0;
  const screenshot = (name: string) =>
    page.screenshot({
      path: join(shotsDir, `${String(++shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });

  beforeAll(async () => {
    mkdirSync(shotsDir, { recursive: true });
    const port = await freePort();
    base = `http://localhost:${port}`;
    portal = await startTestPortal({ config: { port, publicUrl: base } });
    admin = await portal.admin();
    email = 'dr.passkey@hospital.test';
    const r = await admin.post('/api/doctors', {
      email,
      name: 'Dr Passkey',
      registrationNumber: 'MCI-PK-1',
      password: PASSWORD,
    });
    expect(r.status).toBe(201);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    ({ cdp, authenticatorId } = await addPlatformAuthenticator(context, page));
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await portal?.stop();
    console.log(`[screenshots] ${shotsDir}`);
  });

  const signInWithPassword = async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  /** The doctor's home, fully signed in (the URL alone says nothing: the second step shows at any path). */
  const desk = async () => {
    await page.getByRole('heading', { name: 'Doctor’s desk' }).waitFor();
    expect(page.url()).toBe(`${base}/doctor`);
  };
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  };

  it('a doctor’s first sign-in requires a passkey: it is created on the authenticator, recovery codes are shown once', async () => {
    await signInWithPassword();
    await page.getByRole('heading', { name: 'Protect your account with a passkey' }).waitFor();
    await screenshot('enroll');
    // Nothing of the doctor's pages is reachable before: the API says why.
    const before = await page.evaluate(async () => (await fetch('/api/documents')).json());
    expect(before).toMatchObject({ error: { code: 'SECOND_FACTOR_ENROLLMENT_REQUIRED' } });

    await page.getByRole('button', { name: 'Create a passkey' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    recoveryCode = (await codes.nth(3).textContent())!.trim();
    await screenshot('recovery-codes');
    await page.getByRole('button', { name: 'I have saved these codes' }).click();
    await desk();

    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    // The portal kept that credential's COSE public key (for the doctor's issuer profile).
    const stored = await portal.system.db.kysely
      .selectFrom('webauthn_credentials')
      .innerJoin('users', 'users.id', 'webauthn_credentials.user_id')
      .select(['webauthn_credentials.id', 'webauthn_credentials.algorithm'])
      .where('users.email', '=', email)
      .execute();
    expect(stored.map((c) => c.id)).toEqual([
      Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url'),
    ]);
    expect(stored[0]!.algorithm).toBe(-7);
  });

  it('after signing out, the password is followed by the passkey', async () => {
    await signOut();
    await signInWithPassword();
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await screenshot('second-factor');
    const pending = await page.evaluate(async () => (await fetch('/api/requests')).json());
    expect(pending).toMatchObject({ error: { code: 'SECOND_FACTOR_REQUIRED' } });
    await page.getByRole('button', { name: 'Use my passkey' }).click();
    await desk();
    expect(await page.evaluate(async () => (await fetch('/api/documents')).status)).toBe(200);
  });

  it('signs in with the passkey alone (discoverable credential)', async () => {
    await signOut();
    await page.getByRole('button', { name: 'sign in with a passkey' }).click();
    await desk();
    await page.getByText('Dr Passkey (doctor)').waitFor();
  });

  it('lists the passkey in the security settings and refuses to remove the last second factor', async () => {
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Sign-in security' }).waitFor();
    await page.getByRole('list', { name: 'Your passkeys' }).getByText('Passkey', { exact: true }).waitFor();
    await page.getByText('10 of 10 unused.').waitFor();
    await screenshot('security');
    await page.getByRole('button', { name: 'Remove passkey Passkey' }).click();
    await page.getByText('this is your last passkey or authenticator app').waitFor();
  });

  it('a recovery code signs in once', async () => {
    await signOut();
    await signInWithPassword();
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCode);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await desk();

    await signOut();
    await signInWithPassword();
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCode);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByText('the second factor was not accepted').waitFor();
    await screenshot('recovery-code-used');
  });

  /** The doctor's sessions as they are once their last confirmation is older than the step-up window. */
  const ageSessions = () =>
    portal.system.db.kysely
      .updateTable('sessions')
      .set({ confirmed_at: Date.now() - STEP_UP_MS - 1_000 })
      .where('user_id', 'in', (q) => q.selectFrom('users').select('id').where('email', '=', email))
      .execute();

  it('an old session is asked to confirm it is still the doctor (password or passkey) before a change', async () => {
    await page.getByRole('button', { name: 'Use my passkey' }).click();
    await desk();
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Sign-in security' }).waitFor();
    await ageSessions();

    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is still you' });
    await dialog.waitFor();
    await screenshot('step-up');
    // Cancelled: nothing changes, and the button says so.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Nothing was changed: confirm it is you to make the change.').waitFor();
    expect(await dialog.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    await dialog.waitFor();
    await dialog.getByLabel('Your password').fill('not my password');
    await dialog.getByRole('button', { name: 'Confirm with my password' }).click();
    await dialog.getByText('The password is wrong.').first().waitFor();
    await dialog.getByLabel('Your password').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Confirm with my password' }).click();
    // Confirmed: the change is made without a second click, and the codes are the page (its h1).
    await page.getByRole('heading', { level: 1, name: 'Your recovery codes' }).waitFor();
    expect(await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(10);
    expect((await axeViolations(page)).map((v) => v.id)).not.toContain('page-has-heading-one');
    await screenshot('recovery-codes-again');
    await page.getByRole('button', { name: 'I have saved these codes' }).click();

    // The passkey confirms as well; the removal it unlocks is still refused for the last factor.
    await ageSessions();
    await page.getByRole('button', { name: 'Remove passkey Passkey' }).click();
    await dialog.getByRole('button', { name: 'Use my passkey instead' }).click();
    await page.getByText('this is your last passkey or authenticator app').waitFor();
    expect(await dialog.isVisible()).toBe(false);
    const trail = await portal.system.db.kysely
      .selectFrom('audit_log')
      .innerJoin('users', 'users.id', 'audit_log.actor_id')
      .select(['audit_log.outcome', 'audit_log.details'])
      .where('audit_log.action', '=', 'auth.step-up')
      .where('users.email', '=', email)
      .orderBy('audit_log.seq')
      .execute();
    expect(
      trail.map((a) => [a.outcome, (JSON.parse(a.details) as { method?: string }).method ?? null]),
    ).toEqual([
      ['denied', null],
      ['denied', null],
      ['failure', 'password'],
      ['success', 'password'],
      ['denied', null],
      ['success', 'passkey'],
    ]);
  });

  it('an admin resets the doctor’s second factor from the user list, after saying yes', async () => {
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const a = await adminContext.newPage();
      await a.goto(`${base}/`);
      await a.getByLabel('Email').fill('admin@hospital.test');
      await a.getByLabel('Password').fill(PASSWORD);
      await a.getByRole('button', { name: 'Sign in', exact: true }).click();
      // The admin's passkey is a software one of the test: a recovery code stands in for it here.
      await a.getByRole('button', { name: 'Use a recovery code' }).click();
      await a.getByLabel('Recovery code').fill(admin.recoveryCodes![9]!);
      await a.getByRole('button', { name: 'Confirm', exact: true }).click();
      await a.getByRole('heading', { name: 'Administration' }).waitFor();
      await a.getByRole('button', { name: 'Reset second factor of Dr Passkey' }).click();
      const ask = a.getByRole('group', { name: 'Reset the second factor of Dr Passkey?' });
      await ask.getByText('signed out everywhere').waitFor();
      await a.screenshot({ path: join(shotsDir, `${String(++shot).padStart(2, '0')}-admin-reset.png`) });
      await ask.getByRole('button', { name: 'Yes, reset Dr Passkey’s second factor' }).click();
      await a.getByText('Reset: 1 passkey removed.').waitFor();
    } finally {
      await adminContext.close();
    }
    const left = await portal.system.db.kysely
      .selectFrom('webauthn_credentials')
      .innerJoin('users', 'users.id', 'webauthn_credentials.user_id')
      .select('webauthn_credentials.id')
      .where('users.email', '=', email)
      .execute();
    expect(left).toEqual([]);
    // The doctor's open page is signed out; the password leads to enrolling a passkey again.
    await page.reload();
    await signInWithPassword();
    await page.getByRole('heading', { name: 'Protect your account with a passkey' }).waitFor();
  });
});
