import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { confirmWithApp, enableAuthenticatorApp } from '../helpers/appSecondFactor.js';
import { signAwaited } from '../helpers/softPasskey.js';
import type { Client } from '../helpers/portal.js';
import { PASSWORD, startTestPortal, type TestPortal } from '../helpers/portal.js';
import { tmpDir } from '../helpers/tmp.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const shotsDir = join(
  new URL('../..', import.meta.url).pathname,
  'test-artifacts',
  'screenshots',
  `stamp-${new Date().toISOString().replace(/[:.]/g, '-')}`,
);

/**
 * The printed-and-scanned path: a doctor fills in a sick-leave certificate in the browser; the portal
 * renders, stamps and anchors it; its page is rendered to an image (`pdftoppm`, as a print and a scan
 * would) and the QR code is read back (`zbarimg`); the URL it yields, opened in Chromium on a phone and
 * on a desktop, shows the certificate's summary and the chain's verdict, VALID, computed in the browser.
 * The secret in the URL's #fragment never reaches the portal.
 */
describe('a printed certificate, scanned', () => {
  let portal: TestPortal;
  let browser: Browser;
  const files = tmpDir('medproof-stamp-scan-');
  const contexts: BrowserContext[] = [];
  let patient: Client & { patientNumber: string };
  let scanned = '';

  const newPage = async (viewport: { width: number; height: number }, bypassCSP = false) => {
    // bypassCSP only where axe is injected: every other page runs under the portal's own CSP.
    const context = await browser.newContext({ viewport, bypassCSP });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    const requests: Request[] = [];
    page.on('request', (r) => requests.push(r));
    return { page, requests };
  };
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });

  let kavyaApp = '';
  let kavya: Client;
  beforeAll(async () => {
    mkdirSync(shotsDir, { recursive: true });
    portal = await startTestPortal({ config: { port: 0, institutionName: 'City General Hospital' } });
    const admin = await portal.admin();
    const created = await admin.post('/api/doctors', {
      email: 'kavya@hospital.test',
      name: 'Dr Kavya Iyer',
      registrationNumber: 'KMC-45678',
      password: PASSWORD,
    });
    expect(created.status, created.body).toBe(201);
    // Her first sign-in (through the API) sets up her passkey; an authenticator app lets the browser
    // sign her in too.
    kavya = portal.client();
    expect((await kavya.login('kavya@hospital.test', PASSWORD)).status).toBe(200);
    kavyaApp = await enableAuthenticatorApp(kavya);
    patient = await portal.patient('Meera Rao');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await portal?.stop();
    files.remove();
    console.log(`[screenshots] ${shotsDir}`);
  });

  it('the doctor fills in the sick-leave form; the printed page’s QR code is read back', async () => {
    const { page } = await newPage({ width: 1280, height: 800 });
    await page.goto(`${portal.system.url}/`);
    await page.getByLabel('Email').fill('kavya@hospital.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await confirmWithApp(page, kavyaApp);
    await page.getByRole('heading', { name: 'Doctor’s desk' }).waitFor();
    const form = page.locator('section', {
      has: page.getByRole('heading', { name: 'Fill in a certificate' }),
    });
    await form.getByLabel('Patient id (Aadhaar, ABHA or mobile number)').fill(patient.patientNumber);
    await form.getByLabel('Certificate').selectOption('sick-leave');
    await form.getByLabel('First day of rest').fill('2026-12-01');
    await form.getByLabel('Last day of rest').fill('2026-12-05');
    await form
      .getByLabel('Diagnosis and advice')
      .fill('Acute bronchitis. Rest and fluids; review in one week.');
    await shot(page, 'desktop-certificate-form');
    await form.getByRole('button', { name: 'Issue certificate' }).click();
    await form.getByText('Issued the medical certificate (sick leave)').waitFor();

    const docs = (await patient.get('/api/documents')).json<{ id: string; docType: string }[]>();
    const doc = docs.find((d) => d.docType === 'medical-certificate');
    expect(doc).toBeDefined();
    // Her passkey is the API client's (the browser signed her in with the app): it signs the leaf.
    await signAwaited(kavya.send, 'kavya@hospital.test', kavya.origin, doc!.id);
    await portal.waitAnchored(patient, doc!.id);
    const pdf = (await patient.get(`/api/documents/${doc!.id}/content`)).raw;
    const pdfPath = join(files.path, 'certificate.pdf');
    writeFileSync(pdfPath, pdf);
    // "Print and scan": the page as a 150 dpi greyscale image, the QR read off it by zbar.
    const image = join(files.path, 'scan');
    execFileSync('pdftoppm', ['-r', '150', '-gray', '-png', '-singlefile', pdfPath, image]);
    scanned = execFileSync('zbarimg', ['-q', '--raw', `${image}.png`], { encoding: 'utf8' }).trim();
    expect(scanned).toMatch(new RegExp(`^${portal.system.url}/v/[0-9A-Z]{10}#[0-9A-Z]{15}$`));
  });

  for (const [name, viewport] of [
    ['phone', { width: 390, height: 844 }],
    ['desktop', { width: 1280, height: 800 }],
  ] as const) {
    it(`the scanned URL on a ${name}: the summary, and VALID from the chain; the secret stays in the browser`, async () => {
      const { page, requests } = await newPage(viewport);
      await page.goto(scanned);
      await page.getByRole('heading', { name: 'Authentic' }).waitFor();
      expect(await page.locator('[data-verdict]').getAttribute('data-verdict')).toBe('VALID');
      // The verdict is announced and focused.
      expect(await page.evaluate('document.activeElement?.textContent')).toMatch(/Authentic$/);
      expect(await page.locator('[aria-live] [data-verdict]').count()).toBe(1);
      const summary = page.locator('section', {
        has: page.getByRole('heading', { name: 'Medical certificate (sick leave)' }),
      });
      await summary.getByText('Dr Kavya Iyer, registration KMC-45678').waitFor();
      await summary.getByText('City General Hospital').waitFor();
      await summary.getByText(`M. R. · XXXX XXXX ${patient.patientNumber.slice(-4)}`).waitFor();
      await summary
        .getByText(/December 1, 2026 to December 5, 2026|1 December 2026 to 5 December 2026/)
        .waitFor();
      expect(await page.title()).toBe('Verify a printed document · medproof');
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      await shot(page, `${name}-v-valid`);
      // axe-core, in a page of its own (its script is injected, which the portal's CSP forbids).
      const audit = (await newPage(viewport, true)).page;
      await audit.goto(scanned);
      await audit.getByRole('heading', { name: 'Authentic' }).waitFor();
      await audit.addScriptTag({ path: AXE });
      const violations = await audit.evaluate(
        `axe.run(document).then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`,
      );
      expect(violations).toEqual([]);

      const secret = new URL(scanned).hash.slice(1);
      for (const r of requests) {
        expect(r.url()).not.toContain(secret);
        expect(r.postData() ?? '').not.toContain(secret);
        expect(Object.values(await r.allHeaders()).join('\n')).not.toContain(secret);
      }
      const paths = requests.map((r) => new URL(r.url()).pathname);
      expect(paths).toContain(`/api/stamps/${new URL(scanned).pathname.slice(3)}`);
      expect(paths).toContain('/rpc');
      expect(paths).not.toContain('/api/verify');
    });
  }

  it('the code typed by hand opens the same page; a mistyped one says so, and a wrong secret too', async () => {
    const { page } = await newPage({ width: 390, height: 844 });
    const u = new URL(scanned);
    const code = `${u.pathname.slice(3)}${u.hash.slice(1)}`.toLowerCase().match(/.{5}/g)!.join(' ');
    await page.goto(`${portal.system.url}/v`);
    await page.getByLabel('Verification code').fill(code.slice(0, -1));
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByText('This is not a complete code').waitFor();
    await page.getByLabel('Verification code').fill(code);
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByRole('heading', { name: 'Authentic' }).waitFor();
    await shot(page, 'phone-v-typed');

    const wrong = `${scanned.slice(0, -1)}${scanned.endsWith('0') ? '1' : '0'}`;
    await page.goto(wrong);
    await page.getByText('The code does not match this document’s record').waitFor();
    await page.goto(`${portal.system.url}/v/0000000000#${u.hash.slice(1)}`);
    await page.getByText('No document carries this code').waitFor();
    await shot(page, 'phone-v-not-found');
  });
});
