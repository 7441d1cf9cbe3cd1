import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmWithApp, enableAuthenticatorApp } from '../helpers/appSecondFactor.js';
import { launchChromium } from '../helpers/browser.js';
import { PHONE, pageChecker, screenshotsDir } from '../helpers/checkPage.js';
import { PASSWORD, startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { tmpDir } from '../helpers/tmp.js';

/**
 * The pages test/browser/phoneFlow.test.ts does not reach, held to the same checks at 390x844 and
 * 1280x800 (nothing wider than the screen, no word broken inside, no axe-core violation, a screenshot
 * of each): the password reset (both steps), the second sign-in step, the account page, the security
 * page, the certificate form with its errors, and a stamp's page, typed and opened from its QR code.
 */
describe('the other pages, at phone and desktop size', () => {
  let portal: TestPortal;
  let browser: Browser;
  let doctor: Client;
  let patient: Client & { patientNumber: string };
  let app = '';
  const contexts: BrowserContext[] = [];
  const files = tmpDir('medproof-pages-');
  const shotsDir = screenshotsDir('pages');
  const { check, visited } = pageChecker(shotsDir);

  const url = (path: string) => `${portal.system.url}${path}`;
  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: PHONE });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    return page;
  };
  const signIn = async (page: Page, email: string) => {
    await page.goto(url('/'));
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };

  beforeAll(async () => {
    portal = await startTestPortal({ config: { port: 0, institutionName: 'City General Hospital' } });
    const admin = await portal.admin();
    doctor = await portal.doctor(admin, 'Dr Radhakrishnan Venkataraman');
    app = await enableAuthenticatorApp(doctor);
    patient = await portal.patient('Lakshmi Subramaniam');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await portal?.stop();
    files.remove();
    console.log(`[screenshots] ${shotsDir}`);
  });

  it('the password reset: asking for a link, then choosing the new password', async () => {
    const page = await newPage();
    await page.goto(url('/reset'));
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await check(page, 'reset-ask');
    await page.getByLabel('Email').fill(patient.user!.email);
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    await page.getByText('If this address has an account').waitFor();
    await check(page, 'reset-asked');
    // The emailed link's page (the token is only tried when the form is sent).
    await page.goto(url('/reset#not-a-real-token'));
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await check(page, 'reset-new-password');
  });

  it('the patient’s account page', async () => {
    const page = await newPage();
    await signIn(page, patient.user!.email);
    await page.getByRole('heading', { name: 'My medical records' }).waitFor();
    await page.goto(url('/account'));
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await page.getByRole('heading', { name: 'Email notifications' }).waitFor();
    await check(page, 'account');
  });

  it('the doctor’s second step, the certificate form and its errors, the security and account pages', async () => {
    const page = await newPage();
    await signIn(page, doctor.user!.email);
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await check(page, 'second-factor');
    await confirmWithApp(page, app);
    await page.getByRole('heading', { name: 'Doctor’s desk' }).waitFor();
    const form = page.locator('section', {
      has: page.getByRole('heading', { name: 'Fill in a certificate' }),
    });
    await form.getByLabel('Certificate').selectOption('sick-leave');
    await form.getByRole('button', { name: 'Issue certificate' }).click();
    // Nothing sent: every problem at once, each beside its field, in sentences.
    await form.locator('.field__error').first().waitFor();
    expect(await form.locator('.field__error').allInnerTexts()).toEqual([
      'Fill in the patient’s Aadhaar, ABHA or mobile number.',
      'Fill in the first day of rest.',
      'Fill in the last day of rest.',
      'Fill in diagnosis and advice.',
    ]);
    await check(page, 'doctor-certificate-errors');
    // A corrected field's error goes at once: none stays beside a changed value.
    await form.getByLabel('Diagnosis and advice').fill('Viral fever.');
    expect(await form.locator('.field__error').count()).toBe(3);

    await page.goto(url('/security'));
    await page.getByRole('heading', { name: 'Sign-in security' }).waitFor();
    await page.getByText('of 10 unused').waitFor();
    await check(page, 'security');
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').first().waitFor();
    await check(page, 'security-new-codes');

    await page.goto(url('/account'));
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await check(page, 'doctor-account');
  });

  it('a stamp’s page: the code typed by hand, and the page its QR code opens', async () => {
    const r = await doctor.post('/api/certificates', {
      patientId: patient.patientNumber,
      kind: 'fitness',
      text: 'Fit to resume duties, including night shifts and travel.',
      from: '2026-12-10',
    });
    expect(r.status, r.body).toBe(201);
    const { id } = r.json<{ id: string }>();
    await portal.waitAnchored(patient, id);
    const pdfPath = join(files.path, 'fitness.pdf');
    writeFileSync(pdfPath, (await patient.get(`/api/documents/${id}/content`)).raw);
    const image = join(files.path, 'scan');
    execFileSync('pdftoppm', ['-r', '150', '-gray', '-png', '-singlefile', pdfPath, image]);
    const scanned = execFileSync('zbarimg', ['-q', '--raw', `${image}.png`], { encoding: 'utf8' }).trim();
    expect(scanned).toMatch(new RegExp(`^${portal.system.url}/v/[0-9A-Z]{10}#[0-9A-Z]{15}$`));

    const page = await newPage();
    await page.goto(url('/v'));
    await page.getByLabel('Verification code').waitFor();
    await check(page, 'stamp-typed');
    await page.goto(scanned);
    await page.getByRole('heading', { name: 'Authentic' }).waitFor();
    await check(page, 'stamp-authentic');
  });

  it('covered every page it is for', () => {
    expect(visited).toEqual([
      'reset-ask',
      'reset-asked',
      'reset-new-password',
      'account',
      'second-factor',
      'doctor-certificate-errors',
      'security',
      'security-new-codes',
      'doctor-account',
      'stamp-typed',
      'stamp-authentic',
    ]);
  });
});
