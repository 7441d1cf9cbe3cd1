import { closeSync, mkdirSync, openSync, readFileSync, ftruncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptV2 } from '../../src/core/receipt/receiptV2Schema.js';
import { addPlatformAuthenticator, launchChromium } from '../helpers/browser.js';
import { freePort } from '../../src/chain/embedded/processes.js';
import { axeViolations, brokenWords, overflowingElements } from '../helpers/pageChecks.js';
import { aadhaar, PASSWORD, startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { anchorAgainDirectly } from '../helpers/registryV2.js';
import { addSoftPasskey } from '../helpers/softPasskey.js';
import { tmpDir } from '../helpers/tmp.js';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

const shotsDir = join(
  new URL('../..', import.meta.url).pathname,
  'test-artifacts',
  'screenshots',
  `phone-${new Date().toISOString().replace(/[:.]/g, '-')}`,
);

/** Where an outcome is shown: the live region's card, its data-outcome and whether it has focus. */
const VERDICT_STATE = `(() => {
  const card = document.querySelector('[data-outcome]');
  return card && {
    outcome: card.getAttribute('data-outcome'),
    inLiveRegion: Boolean(card.closest('[aria-live]')),
    focused: document.activeElement === card,
    text: card.textContent,
  };
})()`;

/**
 * The phone-first portal, whole flow on a 390x844 screen, against the real server, chain and database:
 * every page checked for sideways overflow, words broken inside, and axe-core violations, at the phone
 * size and at 1280x800, with a screenshot of each. On the way: forms show every error at once in
 * sentences, beside the field, none left stale; the upload limit is shown and an oversized file refused
 * when chosen; the patient's list updates by itself; statuses are in plain words with the chain facts
 * under Details; share links reopen, their QR saves as an image, prints, and goes to the share sheet;
 * the share page names the patient; the verify page says what it checked, each outcome its own.
 */
describe('the phone-first portal', () => {
  let portal: TestPortal;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const files = tmpDir('medproof-phone-');
  let shot = 0;
  const visited: string[] = [];

  const certificate = Buffer.from(
    '%PDF-1.4\n1 0 obj << /Title (Fitness) >> endobj\nFit to resume work from 2 March.\n%%EOF\n',
  );
  const certificatePath = join(files.path, 'fitness.pdf');
  const tamperedPath = join(files.path, 'fitness-copy.pdf');
  const strangerPath = join(files.path, 'never-issued.pdf');
  const oversizedPath = join(files.path, 'scan-too-big.pdf');
  const hugePath = join(files.path, 'huge.bin');
  const patientNumber = aadhaar('45678123456');
  const patientName = 'Asha Venkatanarasimharajuvaripeta';
  const doctorEmail = 'meera.iyer@hospital.test';
  let receiptPath = '';
  let patientPage: Page;

  /** Recovery codes shown once at each person's passkey enrolment: how the API clients below sign in as them. */
  const recoveryCodes = new Map<string, string[]>();

  const url = (path: string) => `${portal.system.config.publicUrl}${path}`;

  const newPage = async (viewport = PHONE) => {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    contexts.push(context);
    // Print and the share sheet are recorded, not opened: headless Chromium has neither dialog.
    await context.addInitScript(`
      window.__printed = 0;
      window.print = () => { window.__printed++; };
      Object.defineProperty(navigator, 'share', {
        configurable: true,
        value: async (data) => { window.__shared = data; },
      });
    `);
    const page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    // Each person's browser has a platform authenticator (Chromium's virtual one): doctors and the
    // admin create their passkey there at first sign-in.
    await addPlatformAuthenticator(context, page);
    return page;
  };

  /** A doctor's or admin's first sign-in: the passkey is required, the recovery codes are shown once (kept). */
  const enrolPasskey = async (page: Page, email: string, o: { checked?: boolean } = {}) => {
    await page.getByRole('heading', { name: 'Protect your account with a passkey' }).waitFor();
    if (o.checked) await check(page, 'enrol-passkey');
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    recoveryCodes.set(
      email,
      (await codes.allTextContents()).map((c) => c.trim()),
    );
    await page.getByRole('button', { name: 'I have saved these codes' }).click();
  };

  /**
   * An API client signed in as a doctor or admin whose passkey is in their browser: the password, then
   * one of their recovery codes (each works once) as the second step.
   */
  const staffClient = async (email: string): Promise<Client> => {
    const c = portal.client();
    const r = await c.login(email, PASSWORD, { secondFactor: false });
    expect(r.status, r.body).toBe(200);
    expect(r.json()).toMatchObject({ stage: 'second-factor' });
    const code = recoveryCodes.get(email)?.shift();
    expect(code, `a recovery code for ${email}`).toBeDefined();
    const done = await c.post('/api/auth/second-factor/recovery-code', { code });
    expect(done.status, done.body).toBe(200);
    c.adopt(done.json());
    return c;
  };

  /** The page as it is now, at both sizes: no overflow, no broken word, no axe violation; screenshots. */
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
        path: join(shotsDir, `${String(++shot).padStart(2, '0')}-${name}-${size}.png`),
        fullPage: true,
      });
    }
    await page.setViewportSize(PHONE);
  };

  const signIn = async (page: Page, email: string) => {
    await page.goto(url('/'));
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };

  /**
   * Until `expression` is true in the page (bounded). Asked from here with page.evaluate, not with
   * page.waitForFunction: that polls a string with eval inside the page, which the portal's CSP refuses.
   */
  const until = async (page: Page, expression: string, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await page.evaluate<boolean>(`Boolean(${expression})`))) {
      if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs} ms: ${expression}`);
      await page.waitForTimeout(50);
    }
  };

  /** The page's own title, once the page has set it (after its first render). */
  const titled = (page: Page, title: string) => until(page, `document.title === ${JSON.stringify(title)}`);

  const fieldErrors = (page: Page) => page.locator('.field__error').allInnerTexts();

  beforeAll(async () => {
    mkdirSync(shotsDir, { recursive: true });
    writeFileSync(certificatePath, certificate);
    const forged = Buffer.from(certificate);
    forged[certificate.indexOf('2 March')] = '9'.charCodeAt(0);
    writeFileSync(tamperedPath, forged);
    writeFileSync(strangerPath, Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(64)]));
    writeFileSync(oversizedPath, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2 * 1024 * 1024)]));
    // 3 GiB without using the disk (sparse): long enough to hash that Cancel comes first.
    const fd = openSync(hugePath, 'w');
    ftruncateSync(fd, 3 * 1024 ** 3);
    closeSync(fd);
    // A host name, not 127.0.0.1: browsers refuse IP addresses as WebAuthn RP ids.
    const port = await freePort();
    portal = await startTestPortal({
      config: { port, publicUrl: `http://localhost:${port}`, maxUploadMb: 1 },
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await portal?.stop();
    files.remove();
    console.log(`[screenshots] ${shotsDir}`);
  });

  it('first start: the setup form shows every problem at once, in sentences, then creates the admin', async () => {
    const page = await newPage();
    await page.goto(url(`/setup#token=${portal.system.setupToken}`));
    await titled(page, 'First start · medproof');
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    const errors = await fieldErrors(page);
    expect(errors).toEqual([
      'Fill in your full name.',
      'Enter an email address, like name@example.com.',
      'Choose a password.',
    ]);
    await check(page, 'setup-errors');
    // Fixing a field takes its error away at once; the others stay until they are fixed too.
    await page.getByLabel('Full name').fill('Anita Admin');
    expect(await fieldErrors(page)).toEqual([
      'Enter an email address, like name@example.com.',
      'Choose a password.',
    ]);
    await page.getByLabel('Email').fill('admin@hospital.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await enrolPasskey(page, 'admin@hospital.test', { checked: true });
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    await titled(page, 'Administration · medproof');

    await page.getByLabel('Doctor’s full name').fill('Dr Meera Iyer');
    await page.getByLabel('Doctor’s email').fill(doctorEmail);
    await page.getByLabel('Registration number').fill('MCI-3003');
    await page.getByLabel('Initial password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create doctor' }).click();
    await page.getByText('Created Dr Meera Iyer').waitFor();
    await check(page, 'admin');
  });

  it('a schema error from the server arrives as a sentence beside its field, never the validator’s words', async () => {
    // The browser's own check is bypassed: this is what any client gets for a bad email.
    const r = await portal.client().post('/api/patients', {
      email: 'nope',
      password: PASSWORD,
      name: '',
      dateOfBirth: '1990-04-01',
      patientId: patientNumber,
    });
    expect(r.status).toBe(400);
    const body = r.json<{ error: { message: string; fields: { field: string; message: string }[] } }>();
    expect(body.error.fields).toEqual(
      expect.arrayContaining([
        { field: 'email', message: 'Enter an email address, like name@example.com.' },
        { field: 'name', message: 'Fill in the name.' },
      ]),
    );
    expect(body.error.message).not.toMatch(/must match|body\//);
  });

  it('a patient registers on a phone: all errors at once, the live id check never beside a stale error', async () => {
    const page = await newPage();
    await page.goto(url('/register'));
    await titled(page, 'Create a patient account · medproof');
    await page.getByLabel('Email').fill('asha@mail');
    await page
      .getByLabel('Patient id (Aadhaar, ABHA or mobile number)')
      .fill(patientNumber.slice(0, 11) + '0');
    await page.getByRole('button', { name: 'Create account' }).click();
    const errors = await fieldErrors(page);
    expect(errors).toHaveLength(5);
    expect(errors).toContain('Enter an email address, like name@example.com.');
    expect(errors.join(' ')).toMatch(/check digit/);
    for (const e of errors) expect(e).toMatch(/^[A-Z].*\.$/);
    await check(page, 'register-errors');
    const idField = page.getByLabel('Patient id (Aadhaar, ABHA or mobile number)');
    await idField.fill(patientNumber);
    // The corrected id shows its green check, and its old red error is gone.
    await page.getByText(`Valid Aadhaar number: XXXX XXXX ${patientNumber.slice(8)}`).waitFor();
    expect((await fieldErrors(page)).join(' ')).not.toMatch(/check digit/);
    await page.getByLabel('Full name').fill(patientName);
    await page.getByLabel('Email').fill('asha@mail.test');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Date of birth').fill('1990-04-01');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'My medical records' }).waitFor();
    await titled(page, 'My medical records · medproof');
    // Documents reach the account only once the id is proven: the code sent to it (the test's SMS provider).
    await page.getByRole('heading', { name: 'Prove your patient id' }).waitFor();
    await check(page, 'patient-prove-id');
    await page.getByLabel('Code').fill(await portal.sms.codeFor(patientNumber));
    await page.getByRole('button', { name: 'Prove my id' }).click();
    await page.getByText('Your patient id is proven').waitFor();

    await page.getByRole('button', { name: 'Send request' }).click();
    expect(await fieldErrors(page)).toEqual(['Choose the doctor to ask.']);
    await page.getByLabel('Doctor', { exact: true }).selectOption({ label: 'Dr Meera Iyer (MCI-3003)' });
    expect(await fieldErrors(page)).toEqual([]);
    await page.getByLabel('Document type').selectOption('certificate');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByText('waiting for the doctor').waitFor();
    await check(page, 'patient-empty');
    patientPage = page;
    // Marked, to show below that the list changed without the page being loaded again.
    await page.evaluate('window.__sameLoad = true');
  });

  it('the doctor sees the upload limit, an oversized file is refused when chosen, and issues the certificate', async () => {
    const page = await newPage();
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/documents') posts.push(r.url());
    });
    await page.goto(url('/'));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await fieldErrors(page)).toEqual(['Fill in your email address.', 'Fill in your password.']);
    await check(page, 'sign-in-errors');
    await signIn(page, doctorEmail);
    await enrolPasskey(page, doctorEmail);
    await page.getByRole('heading', { name: 'Doctor’s desk' }).waitFor();
    await titled(page, 'Doctor’s desk · medproof');
    await page
      .getByRole('button', { name: `Issue document: medical certificate for ${patientName}` })
      .click();
    await page.getByText('Largest file: 1.0 MB.').waitFor();
    const fileField = page.getByLabel('Document file (PDF, PNG, JPEG or text)');
    await fileField.setInputFiles(oversizedPath);
    await page.getByText('scan-too-big.pdf is 2.0 MB: larger than the limit of 1.0 MB').waitFor();
    await page.getByRole('button', { name: 'Issue document', exact: true }).click();
    // Nothing was sent: the title and the file are missing, and both say so beside themselves.
    expect(await fieldErrors(page)).toEqual([
      'Fill in a title the patient will recognise.',
      'scan-too-big.pdf is 2.0 MB: larger than the limit of 1.0 MB. Choose a smaller file.',
    ]);
    expect(posts).toEqual([]);
    await check(page, 'doctor-issue-errors');
    await page.getByLabel('Title').fill('Fitness certificate');
    await fileField.setInputFiles(certificatePath);
    await page.getByText('Chosen: fitness.pdf').waitFor();
    expect(await fieldErrors(page)).toEqual([]);
    await page.getByRole('button', { name: 'Issue document', exact: true }).click();
    await page.getByText('Issued “Fitness certificate”').waitFor();
    expect(posts).toHaveLength(1);
    await page.getByText('Ready to share').waitFor({ timeout: 30_000 });
    await check(page, 'doctor-issued');
  });

  it('the patient’s list updated by itself; the status is in plain words, the chain facts under Details', async () => {
    const page = patientPage;
    const card = page.locator('.doc-card', { hasText: 'Fitness certificate' });
    await card.waitFor({ timeout: 30_000 });
    await card.getByText('Ready to share').waitFor({ timeout: 30_000 });
    expect(await page.evaluate('window.__sameLoad === true')).toBe(true);
    expect(await card.innerText()).not.toMatch(/Anchored|block \d|0x[0-9a-f]{8}/);
    await card.getByText('Details').click();
    await card.getByText(/^block \d+/).waitFor();
    await card.getByText('Fingerprint (SHA-256)').waitFor();
    await check(page, 'patient-ready');
    const download = page.waitForEvent('download');
    await card.getByRole('button', { name: 'Proof file (for verifiers) of Fitness certificate' }).click();
    receiptPath = join(files.path, 'fitness.pdf.receipt.json');
    await (await download).saveAs(receiptPath);
    expect(JSON.parse(readFileSync(receiptPath, 'utf8'))).toMatchObject({ docHash: expect.any(String) });
  });

  let shareUrl = '';
  it('a share link and its QR can be reopened, saved as an image, printed and sent with the share sheet', async () => {
    const page = patientPage;
    await page.getByRole('button', { name: 'Share Fitness certificate' }).click();
    await page.getByLabel('Link works for').selectOption('168');
    await page.getByRole('button', { name: 'Create share link' }).click();
    const link = page.getByLabel('Share link');
    await link.waitFor();
    shareUrl = await link.inputValue();
    await until(
      page,
      `(() => { const i = document.querySelector('img[alt="QR code of the share link"]'); return i && i.complete && i.naturalWidth > 0; })()`,
    );
    await check(page, 'patient-share');
    // Closed, and reopened from the list of links: the same link and QR are back.
    await page.getByRole('button', { name: /^Hide link and QR code/ }).click();
    expect(await page.getByLabel('Share link').count()).toBe(0);
    await page.getByRole('button', { name: /^Show link and QR code/ }).click();
    expect(await page.getByLabel('Share link').inputValue()).toBe(shareUrl);

    const png = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save QR image' }).click();
    const saved = join(files.path, 'qr.png');
    await (await png).saveAs(saved);
    expect(readFileSync(saved).subarray(1, 4).toString()).toBe('PNG');

    await page.getByRole('button', { name: 'Print' }).click();
    expect(await page.evaluate('window.__printed')).toBe(1);
    await page.getByRole('button', { name: 'Send…' }).click();
    await until(page, 'window.__shared');
    expect(await page.evaluate('window.__shared.url')).toBe(shareUrl);
  });

  it('the link holder sees whose document it is, and the verdict from the chain', async () => {
    const page = await newPage();
    await page.goto(shareUrl);
    await page.locator('[data-patient-name]').getByText(patientName).waitFor();
    await page.locator('[data-outcome="authentic"]').waitFor({ timeout: 20_000 });
    await titled(page, 'Shared document · medproof');
    await page.getByRole('button', { name: 'Proof file (for verifiers)' }).waitFor();
    await check(page, 'share-landing');
  });

  const verify = async (page: Page, o: { file: string; proof?: string; endpoint?: string }) => {
    await page.goto(url('/verify'));
    await page.getByLabel('Document to check').setInputFiles(o.file);
    if (o.proof) await page.getByLabel('Proof file (optional, .json)').setInputFiles(o.proof);
    if (o.endpoint) {
      await page.getByText('Check against another chain endpoint').click();
      await page.getByLabel('Chain endpoint (JSON-RPC URL)').fill(o.endpoint);
    }
    await page.getByRole('button', { name: 'Check document' }).click();
    await page.locator('[data-outcome]').waitFor({ timeout: 20_000 });
    return await page.evaluate<{ outcome: string; inLiveRegion: boolean; focused: boolean; text: string }>(
      VERDICT_STATE,
    );
  };

  it('the verify page says what it checked: each outcome its own words, announced and focused', async () => {
    const page = await newPage();
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    await page.goto(url('/verify'));
    await titled(page, 'Verify a document · medproof');
    await check(page, 'verify-empty');

    const authentic = await verify(page, { file: certificatePath });
    expect(authentic).toMatchObject({ outcome: 'authentic', inLiveRegion: true, focused: true });
    // Hashed in a Web Worker, not on the page's thread.
    expect(workers.some((w) => /sha256Worker/.test(w))).toBe(true);
    await page.getByText('Details', { exact: true }).click();
    await page.getByText('Independent checks').waitFor();
    await check(page, 'verify-authentic');

    const unknown = await verify(page, { file: strangerPath });
    expect(unknown).toMatchObject({ outcome: 'unknown-here', focused: true });
    expect(unknown.text).toContain('This portal has no document with this fingerprint');
    expect(unknown.text).toContain('If you have its proof file, add it to check for changes');
    expect(unknown.text).not.toMatch(/on the blockchain\. It may be forged/);
    await check(page, 'verify-unknown-here');

    const altered = await verify(page, { file: tamperedPath, proof: receiptPath });
    expect(altered).toMatchObject({ outcome: 'altered', focused: true });
    await check(page, 'verify-altered');

    const wrongProof = await verify(page, { file: certificatePath, proof: certificatePath });
    expect(wrongProof.outcome).toBe('not-proof-file');
    await page.getByText('This file is not a proof file').first().waitFor();
    await check(page, 'verify-not-proof-file');

    const closed = await freePort(); // nothing listens there: the chain cannot be asked
    const offline = await verify(page, {
      file: certificatePath,
      proof: receiptPath,
      endpoint: `http://127.0.0.1:${closed}`,
    });
    expect(offline.outcome).toBe('could-not-check');
    expect(offline.text).toContain('This says nothing about the document');
    await check(page, 'verify-could-not-check');
  });

  it('hashing a large file shows progress and can be cancelled', async () => {
    const page = await newPage();
    await page.goto(url('/verify'));
    await page.getByLabel('Document to check').setInputFiles(hugePath);
    await page.getByRole('button', { name: 'Check document' }).click();
    await page.getByText(/Computing the fingerprint: \d+%/).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Cancelled: nothing was checked.').waitFor();
    expect(await page.locator('[data-outcome]').count()).toBe(0);
    expect(await page.locator('progress').count()).toBe(0);
  });

  it('a replaced and a withdrawn document each say so; a withdrawn one offers no Share', async () => {
    const doctor = await staffClient(doctorEmail);
    // The doctor's passkey is in the browser: this API client gets one of its own to sign with.
    await addSoftPasskey(doctor.send, doctorEmail, doctor.origin);
    const docs = (await doctor.get('/api/documents')).json<{ id: string; title: string }[]>();
    const first = docs.find((d) => d.title === 'Fitness certificate')!;
    const second = Buffer.from('%PDF-1.4\nSick leave 3 days.\n%%EOF\n');
    const secondPath = join(files.path, 'sick-leave.pdf');
    writeFileSync(secondPath, second);
    const issued = await portal.issue(
      doctor,
      patientNumber,
      { filename: 'sick-leave.pdf', data: second },
      { title: 'Sick leave' },
    );
    expect(issued.status, issued.body).toBe(201);
    const secondId = issued.json<{ id: string }>().id;
    await portal.waitAnchored(doctor, secondId);
    const secondReceipt = join(files.path, 'sick-leave.receipt.json');
    writeFileSync(secondReceipt, (await doctor.get(`/api/documents/${secondId}/receipt`)).body);

    // Superseded: by the doctor's newer document for the same patient, which the revocation names.
    const replaced = await doctor.post(`/api/documents/${first.id}/revoke`, {
      reason: 'superseded',
      supersededBy: secondId,
    });
    expect(replaced.status, replaced.body).toBe(200);
    expect(
      (await doctor.post(`/api/documents/${secondId}/revoke`, { reason: 'issued-in-error' })).status,
    ).toBe(200);

    // The patient's page, still the same load, follows by itself.
    const page = patientPage;
    const replacedCard = page.locator('.doc-card', { hasText: 'Fitness certificate' });
    await replacedCard.getByText('Replaced by a newer version').waitFor({ timeout: 20_000 });
    const withdrawnCard = page.locator('.doc-card', { hasText: 'Sick leave' });
    await withdrawnCard.getByText('Withdrawn by your doctor').waitFor({ timeout: 20_000 });
    expect(await withdrawnCard.getByRole('button', { name: /^Share/ }).count()).toBe(0);
    expect(await replacedCard.getByRole('button', { name: /^Share/ }).count()).toBe(0);
    expect(await page.evaluate('window.__sameLoad === true')).toBe(true);
    await check(page, 'patient-replaced-withdrawn');

    // The chain learns of the revocations through the portal's queue: asked again until it has (bounded).
    const verifier = await newPage();
    const until = async (o: { file: string; proof: string }, outcome: string) => {
      let last = '';
      for (let i = 0; i < 40 && last !== outcome; i++) {
        last = (await verify(verifier, o)).outcome;
        if (last !== outcome) await verifier.waitForTimeout(250);
      }
      return last;
    };
    expect(await until({ file: certificatePath, proof: receiptPath }, 'replaced')).toBe('replaced');
    await check(verifier, 'verify-replaced');
    expect(await until({ file: secondPath, proof: secondReceipt }, 'withdrawn')).toBe('withdrawn');
    await check(verifier, 'verify-withdrawn');
  });

  it('a document anchored after its doctor was retired (disabled: their term ended on chain) says the issuer is not active; their last one stays valid', async () => {
    const admin = await staffClient('admin@hospital.test');
    const doctor = await portal.doctor(admin, 'Dr Locum');
    const doctorId = doctor.user!.id;
    await portal.system.chainOps.drained();
    const data = Buffer.from('%PDF-1.4\nLocum report.\n%%EOF\n');
    const docPath = join(files.path, 'locum.pdf');
    writeFileSync(docPath, data);
    const issued = await portal.issue(
      doctor,
      patientNumber,
      { filename: 'locum.pdf', data },
      { title: 'Locum' },
    );
    expect(issued.status, issued.body).toBe(201);
    const { id } = issued.json<{ id: string }>();
    // Disabled once the document is accepted: the term ends on chain after it is anchored (it stays VALID).
    const disabled = await admin.post(`/api/users/${doctorId}/disable`);
    expect(disabled.status, disabled.body).toBe(204);
    await portal.system.chainOps.drained();
    expect((await portal.system.chainOps.status()).failed).toBe(0);
    const patient = portal.client();
    expect((await patient.login('asha@mail.test', PASSWORD)).status).toBe(200);
    await portal.waitAnchored(patient, id);
    const receipt = await patient.get(`/api/documents/${id}/receipt`);
    expect(receipt.status, receipt.body).toBe(200);
    // The same signed leaf anchored again after the term ended (by the anchorer key, as a rogue portal could).
    const proof = join(files.path, 'locum.receipt.json');
    writeFileSync(proof, JSON.stringify(await anchorAgainDirectly(portal.system, receipt.json<ReceiptV2>())));
    const page = await newPage();
    const state = await verify(page, { file: docPath, proof });
    expect(state).toMatchObject({ outcome: 'issuer-inactive', focused: true });
    await check(page, 'verify-issuer-inactive');
    // The document itself, anchored before the term ended, is authentic.
    const real = join(files.path, 'locum.real.receipt.json');
    writeFileSync(real, receipt.body);
    expect(await verify(await newPage(), { file: docPath, proof: real })).toMatchObject({
      outcome: 'authentic',
    });
  });

  it('covered every page', () => {
    for (const page of [
      'setup-errors',
      'enrol-passkey',
      'admin',
      'register-errors',
      'patient-prove-id',
      'patient-ready',
      'doctor-issued',
    ]) {
      expect(visited).toContain(page);
    }
  });
});
