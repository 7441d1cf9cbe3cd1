import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/chain/embedded/processes.js';
import { launchChromium } from '../helpers/browser.js';
import { confirmWithApp, enableAuthenticatorApp } from '../helpers/appSecondFactor.js';
import { PASSWORD, startTestPortal, type TestPortal } from '../helpers/portal.js';
import { TestSmtpServer } from '../helpers/smtpServer.js';

/**
 * Accounts people manage, in a real browser against the real portal and a real SMTP server: a
 * forgotten password is reset with the emailed link (its token taken out of the address bar), the
 * account page changes notification preferences and signs out everywhere; a doctor confirms a
 * patient's identity in person from the request queue.
 */
describe('accounts in a browser', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    return page;
  };
  const url = (path: string) => `${portal.system.url}${path}`;
  const signIn = async (page: Page, email: string, password: string) => {
    await page.goto(url('/'));
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };

  beforeAll(async () => {
    smtp = new TestSmtpServer(await freePort());
    await smtp.start();
    portal = await startTestPortal({
      config: { port: 0 },
      env: { MEDPROOF_SMTP_HOST: '127.0.0.1', MEDPROOF_SMTP_PORT: String(smtp.port) },
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await portal?.stop();
    await smtp?.stop();
  });

  it('resets a forgotten password with the emailed link, then signs in with the new one', async () => {
    const patient = await portal.patient('Kavya Iyer');
    const email = patient.user!.email;
    const page = await newPage();
    await page.goto(url('/'));
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    await page.getByText('If this address has an account').waitFor();

    await smtp.waitFor((m) => m.some((x) => x.to.includes(email)), 'the reset mail');
    const link = /(http\S+\/reset#[A-Za-z0-9_-]+)/.exec(smtp.to(email)[0]!.text)![1]!;
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(page.url()).not.toContain('#');
    await page.getByLabel('New password', { exact: true }).fill('a fresh passphrase 2026');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByText('Your password is changed').waitFor();

    await signIn(page, email, 'a fresh passphrase 2026');
    await page.getByRole('heading', { name: 'My medical records' }).waitFor();
  });

  it('turns a notification off on the account page, and signs out everywhere', async () => {
    const patient = await portal.patient('Arjun Nair');
    const email = patient.user!.email;
    const other = await newPage();
    await signIn(other, email, PASSWORD);
    await other.getByRole('heading', { name: 'My medical records' }).waitFor();

    const page = await newPage();
    await signIn(page, email, PASSWORD);
    await page.getByRole('heading', { name: 'My medical records' }).waitFor();
    await page.getByRole('link', { name: 'Arjun Nair (patient)' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    const box = page.getByLabel('One of your share links was used');
    expect(await box.isChecked()).toBe(true);
    // A click, not uncheck(): the box shows the saved preference, which changes a moment later.
    await box.click();
    // Saved on the server (polled, bounded): the page saves as soon as the box changes.
    const deadline = Date.now() + 10_000;
    while ((await patient.get('/api/me/notifications')).json()['share.used'] !== false) {
      if (Date.now() > deadline) throw new Error('the preference was not saved');
      await new Promise((r) => setTimeout(r, 50));
    }
    // The page shows what was saved once its reload lands (bounded wait, then the assertion).
    for (let i = 0; i < 100 && (await box.isChecked()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await box.isChecked()).toBe(false);

    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    // The other browser's session is gone too: its next request is refused.
    expect((await patient.get('/api/me')).status).toBe(401);
    await other.reload();
    await other.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  });

  it('a doctor confirms a patient in person from the request queue; the held document is released', async () => {
    const admin = await portal.admin();
    const doctor = await portal.doctor(admin, 'Dr Sen');
    const p = await portal.patient('Walk In', { prove: false });
    const doctorId = (await doctor.get('/api/me')).json<{ user: { id: string } }>().user.id;
    const req = (await p.post('/api/requests', { doctorId, docType: 'certificate', note: '' })).json<{
      id: string;
    }>();
    expect((await portal.issue(doctor, '', {}, { requestId: req.id, patientId: '' })).json()).toMatchObject({
      patient: 'invited',
    });
    // A second request, to confirm on.
    await p.post('/api/requests', { doctorId, docType: 'report', note: '' });

    const app = await enableAuthenticatorApp(doctor);
    const page = await newPage();
    await signIn(page, doctor.user!.email, PASSWORD);
    await confirmWithApp(page, app);
    await page.getByRole('heading', { name: 'Doctor’s desk' }).waitFor();
    await page.getByRole('button', { name: "I have checked Walk In's identity in person" }).click();
    await page.getByText('patient id not proven').waitFor({ state: 'detached' });
    expect((await p.get('/api/documents')).json<unknown[]>()).toHaveLength(1);
  });
});
