import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/chain/embedded/processes.js';
import { addPlatformAuthenticator, launchChromium } from '../helpers/browser.js';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aadhaar, PASSWORD, startTestPortal, type TestPortal } from '../helpers/portal.js';
import { tmpDir } from '../helpers/tmp.js';

const shotsDir = join(
  new URL('../..', import.meta.url).pathname,
  'test-artifacts',
  'screenshots',
  new Date().toISOString().replace(/[:.]/g, '-'),
);

/**
 * The paper's whole flow in a real browser (Debian's Chromium driven by playwright-core) against the
 * real server, chain and database: a patient registers and asks; a doctor issues by upload; the
 * document is anchored; the patient shares it; another doctor opens the link and sees VALID; a tampered
 * copy on the verify page is TAMPERED; the patient's access log shows who looked. A failed action says
 * why, beside its button.
 */
describe('the portal in a browser', () => {
  let portal: TestPortal;
  let browser: Browser;
  const files = tmpDir('medproof-browser-');
  const contexts: BrowserContext[] = [];
  let shot = 0;
  const screenshot = async (page: Page, name: string) => {
    await page.screenshot({
      path: join(shotsDir, `${String(++shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
  const newPage = async (viewport = { width: 1280, height: 900 }) => {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    // Each person's browser has a platform authenticator (Chromium's virtual one): doctors and the
    // admin create their passkey there at first sign-in.
    await addPlatformAuthenticator(context, page);
    return page;
  };
  /** A doctor's or admin's first sign-in: the passkey is required, the recovery codes are shown once. */
  const enrolPasskey = async (page: Page) => {
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.getByRole('button', { name: 'I have saved these codes' }).click();
  };

  const report = Buffer.from(
    '%PDF-1.4\n1 0 obj << /Title (Blood test) >> endobj\nHaemoglobin 13.5 g/dL. Fit to work.\n%%EOF\n',
  );
  const reportPath = join(files.path, 'blood-test.pdf');
  const tamperedPath = join(files.path, 'blood-test-copy.pdf');
  const patientNumber = aadhaar('34567812345');
  let shareUrl = '';
  let receiptPath = '';

  beforeAll(async () => {
    mkdirSync(shotsDir, { recursive: true });
    writeFileSync(reportPath, report);
    const forged = Buffer.from(report);
    forged[report.indexOf('13.5') + 1] = '9'.charCodeAt(0); // 13.5 → 19.5
    writeFileSync(tamperedPath, forged);
    // A host name, not 127.0.0.1: browsers refuse IP addresses as WebAuthn RP ids.
    const port = await freePort();
    portal = await startTestPortal({ config: { port, publicUrl: `http://localhost:${port}` } });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await portal?.stop();
    files.remove();
    console.log(`[screenshots] ${shotsDir}`);
  });

  const url = (path: string) => `${portal.system.config.publicUrl}${path}`;

  it('the admin creates the first account with the setup link, then two doctors', async () => {
    const page = await newPage();
    await page.goto(url(`/setup#token=${portal.system.setupToken}`));
    expect(page.url()).not.toContain('token');
    await page.getByLabel('Full name').fill('Anita Admin');
    await page.getByLabel('Email').fill('admin@hospital.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await screenshot(page, 'setup');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await enrolPasskey(page);
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    for (const [name, email, reg] of [
      ['Dr Issuing', 'issuing@hospital.test', 'MCI-1001'],
      ['Dr Colleague', 'colleague@hospital.test', 'MCI-2002'],
    ]) {
      await page.getByLabel('Doctor’s full name').fill(name!);
      await page.getByLabel('Doctor’s email').fill(email!);
      await page.getByLabel('Registration number').fill(reg!);
      await page.getByLabel('Initial password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create doctor' }).click();
      await page.getByText(`Created ${name!}`).waitFor();
    }
    await page.getByRole('cell', { name: 'Dr Colleague', exact: true }).waitFor();
    await screenshot(page, 'admin');
  });

  it('a patient registers, with the patient id checked as it is typed, and asks a doctor for a certificate', async () => {
    const page = await newPage();
    await page.goto(url('/register'));
    await page.getByLabel('Full name').fill('Asha Patil');
    await page.getByLabel('Email').fill('asha@mail.test');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Date of birth').fill('1990-04-01');
    const idField = page.getByLabel('Patient id (Aadhaar, ABHA or mobile number)');
    await idField.fill(`${patientNumber.slice(0, 11)}${(Number(patientNumber[11]) + 1) % 10}`);
    await page.getByText('fails its check digit').waitFor();
    await screenshot(page, 'register-invalid-aadhaar');
    await idField.fill(patientNumber);
    await page.getByText(`Valid Aadhaar number: XXXX XXXX ${patientNumber.slice(8)}`).waitFor();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'My medical records' }).waitFor();
    // Documents reach the account only once the id is proven: the code sent to it (the test's SMS provider).
    await page.getByRole('heading', { name: 'Prove your patient id' }).waitFor();
    await page.getByLabel('Code').fill(await portal.sms.codeFor(patientNumber));
    await page.getByRole('button', { name: 'Prove my id' }).click();
    await page.getByText('Your patient id is proven').waitFor();
    await screenshot(page, 'patient-id-proven');

    await page.getByLabel('Doctor', { exact: true }).selectOption({ label: 'Dr Issuing (MCI-1001)' });
    await page.getByLabel('Document type').selectOption('certificate');
    await page.getByLabel('Note for the doctor').fill('Fitness certificate for my employer');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByText('waiting for the doctor').waitFor();
    await screenshot(page, 'patient-requested');
  });

  it('the doctor sees the request and issues the certificate by upload, with a progress bar', async () => {
    const page = await newPage();
    await page.goto(url('/'));
    await page.getByLabel('Email').fill('issuing@hospital.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter'); // keyboard works
    await enrolPasskey(page);
    await page.getByRole('heading', { name: 'Doctor’s desk' }).waitFor();
    await page.getByText('Asha Patil asks for a medical certificate').waitFor();
    await page.getByRole('button', { name: 'Issue document: medical certificate for Asha Patil' }).click();
    await page.getByLabel('Title').fill('Fitness certificate');
    await page.getByLabel('Document file (PDF, PNG, JPEG or text)').setInputFiles(reportPath);
    await page.getByText('blood-test.pdf').waitFor();
    await screenshot(page, 'doctor-issue-form');
    await page.getByRole('button', { name: 'Issue document', exact: true }).click();
    await page.getByText('Issued “Fitness certificate”').waitFor();
    await page
      .getByRole('cell', { name: /^Fitness certificate/ })
      .first()
      .waitFor();
    await screenshot(page, 'doctor-issued');
  });

  it('the patient sees it ready to share, shares it with the colleague, with a QR code', async () => {
    const page = await newPage();
    await page.goto(url('/'));
    await page.getByLabel('Email').fill('asha@mail.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Ready to share').waitFor({ timeout: 20_000 });
    await screenshot(page, 'patient-anchored');
    await page.getByRole('button', { name: 'Share Fitness certificate' }).click();
    await page.getByLabel('Link works for').selectOption('24');
    await page.getByLabel('Only for this doctor (optional)').selectOption({ label: 'Dr Colleague' });
    await page.getByRole('button', { name: 'Create share link' }).click();
    const link = page.getByLabel('Share link');
    await link.waitFor();
    shareUrl = await link.inputValue();
    expect(shareUrl).toMatch(new RegExp(`^${portal.system.config.publicUrl}/s/[A-Za-z0-9_-]{64}$`));
    const qr = page.getByRole('img', { name: 'QR code of the share link' });
    await qr.waitFor();
    // The PNG really loaded (with the session cookie), not a broken image.
    await page.waitForFunction(
      `(() => { const i = document.querySelector('img[alt="QR code of the share link"]'); return i && i.complete && i.naturalWidth > 0; })()`,
    );
    await page.getByRole('button', { name: 'Copy link' }).waitFor();
    await screenshot(page, 'patient-share');
    // Nothing sensitive is kept in the browser's storage.
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
  });

  it('the colleague opens the link, signs in, and sees VALID from the chain; takes the receipt', async () => {
    const page = await newPage();
    await page.goto(shareUrl);
    await page.getByRole('heading', { name: /named doctor: sign in/ }).waitFor();
    await page.getByLabel('Email').fill('colleague@hospital.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await enrolPasskey(page); // then back to the shared document
    const verdict = page.locator('[data-verdict]');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('VALID');
    await page.getByRole('heading', { name: 'Authentic' }).waitFor();
    // "Issued by" is the receipt's profile, matched on chain, once the browser's check has passed.
    await page.locator('[data-issuer-source="receipt"]').waitFor();
    await page.getByText('Details', { exact: true }).click();
    await page.getByText(/^block \d+/).waitFor();
    await screenshot(page, 'share-landing-valid');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Proof file (for verifiers)' }).click();
    receiptPath = join(files.path, 'blood-test.pdf.receipt.json');
    await (await download).saveAs(receiptPath);
    expect(JSON.parse(readFileSync(receiptPath, 'utf8'))).toMatchObject({
      version: 2,
      docHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    const file = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download document' }).click();
    const saved = join(files.path, 'downloaded.pdf');
    await (await file).saveAs(saved);
    expect(readFileSync(saved).equals(report)).toBe(true);
  });

  it('on the verify page, the file is hashed in the browser: the original is VALID, a tampered copy TAMPERED', async () => {
    const page = await newPage();
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') uploads.push(r.postData() ?? '');
    });
    await page.goto(url('/verify'));
    await page.getByLabel('Document to check').setInputFiles(reportPath);
    await page.getByRole('button', { name: 'Check document' }).click();
    await page.getByRole('heading', { name: 'Authentic' }).waitFor();
    await screenshot(page, 'verify-valid');

    await page.getByLabel('Document to check').setInputFiles(tamperedPath);
    await page.getByLabel('Proof file (optional, .json)').setInputFiles(receiptPath);
    await page.getByRole('button', { name: 'Check document' }).click();
    await page.getByRole('heading', { name: 'Altered — do not trust this file' }).waitFor();
    expect(await page.locator('[data-verdict]').getAttribute('data-verdict')).toBe('TAMPERED');
    await screenshot(page, 'verify-tampered');
    // Only fingerprints went to the server, never the file's contents.
    expect(uploads.length).toBeGreaterThan(0);
    for (const body of uploads) expect(body).not.toContain('Haemoglobin');
  });

  it('the patient’s access log shows the colleague’s views and downloads, and the verifications', async () => {
    const page = await newPage();
    await page.goto(url('/'));
    await page.getByLabel('Email').fill('asha@mail.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Access log' }).waitFor();
    const log = page.locator('.timeline');
    await log.getByText('Dr Colleague (doctor) opened a share link').first().waitFor();
    await log.getByText('Dr Colleague (doctor) downloaded the file').first().waitFor();
    await log.getByText('Someone verifying the file verified it').first().waitFor();
    await screenshot(page, 'patient-access-log');
  });

  it('a download that fails says why beside its button, and a retry that works clears it', async () => {
    const page = await newPage();
    await page.goto(url('/'));
    await page.getByLabel('Email').fill('asha@mail.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const row = page.locator('.doc-card', { hasText: 'Fitness certificate' });
    await row.waitFor();
    // The one document's stored file goes missing (moved aside, put back below).
    const keys = await portal.system.blobs.keys();
    expect(keys).toHaveLength(1);
    const blob = join(portal.system.blobs.location, keys[0]!.slice(0, 2), keys[0]!);
    renameSync(blob, `${blob}.aside`);
    try {
      await row.getByRole('button', { name: 'Download Fitness certificate' }).click();
      const alert = row.getByRole('alert');
      await alert.getByText('the stored file for this document is missing').waitFor();
      await screenshot(page, 'patient-download-failed');
    } finally {
      renameSync(`${blob}.aside`, blob);
    }
    const file = page.waitForEvent('download');
    await row.getByRole('button', { name: 'Download Fitness certificate' }).click();
    await file;
    // The sentence is gone: the emptied alert takes no room and is out of the accessibility tree.
    expect(await row.getByRole('alert').count()).toBe(0);
  });

  it('works on a phone-sized screen without sideways scrolling, long names included', async () => {
    const page = await newPage({ width: 375, height: 740 });
    await page.goto(url('/register'));
    await page
      .getByLabel('Full name')
      .fill('Venkatanarasimharajuvaripeta Subrahmanyeswara Lakshminarasimha Chakravarthula');
    await screenshot(page, 'phone-register');
    await page.goto(shareUrl);
    await page.getByRole('heading', { name: /named doctor: sign in/ }).waitFor();
    await screenshot(page, 'phone-share-sign-in');
    await page.goto(url('/verify'));
    await page.getByLabel('Document to check').setInputFiles(reportPath);
    await page.getByRole('button', { name: 'Check document' }).click();
    await page.getByRole('heading', { name: 'Authentic' }).waitFor();
    await page.getByText('Details', { exact: true }).click();
    await screenshot(page, 'phone-verify');
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  });

  it('every form control has a label and every button a name', async () => {
    const page = await newPage();
    for (const path of ['/', '/register', '/verify', '/reset']) {
      await page.goto(url(path));
      await page.locator('main form').first().waitFor();
      // (Strings, not functions: they run in the page, whose DOM types the Node test does not load.)
      const unlabeled = await page.evaluate(
        `[...document.querySelectorAll('input, select, textarea')].filter((el) => el.labels.length === 0).map((el) => el.outerHTML)`,
      );
      expect(unlabeled, path).toEqual([]);
      const nameless = await page.evaluate(
        `[...document.querySelectorAll('button')].filter((b) => !b.textContent.trim() && !b.getAttribute('aria-label')).length`,
      );
      expect(nameless, path).toBe(0);
    }
  });
});
