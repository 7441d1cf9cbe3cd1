import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/chain/embedded/processes.js';
import { addPlatformAuthenticator, launchChromium } from '../helpers/browser.js';
import { anchorForgedLeaf } from '../helpers/forgeLeaf.js';
import { type Client, PASSWORD, startTestPortal, type TestPortal } from '../helpers/portal.js';
import { tmpDir } from '../helpers/tmp.js';

const shotsDir = join(
  new URL('../..', import.meta.url).pathname,
  'test-artifacts',
  'screenshots',
  `issuer-signature-${new Date().toISOString().replace(/[:.]/g, '-')}`,
);

const VERDICT_STATE = `(() => {
  const card = document.querySelector('[data-outcome]');
  const sig = document.querySelector('[data-signature]');
  return card && {
    outcome: card.getAttribute('data-outcome'),
    signature: sig && sig.getAttribute('data-signature'),
    text: card.textContent,
  };
})()`;

/**
 * Issue 9 item 2 in a real browser: Chromium's virtual authenticator (DevTools WebAuthn domain)
 * enrolls the doctor's passkey, signs them in, and signs the document they upload; the verify page
 * (checking the chain from the browser) says the doctor signed it, and a leaf the portal's anchorer
 * put on chain in the doctor's name, without their signature, reads "Not signed by the doctor".
 */
describe('the doctor signs what they issue, in a browser', () => {
  const files = tmpDir('medproof-sign-browser-');
  let portal: TestPortal;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let base: string;
  let patient: Client & { patientNumber: string };
  const email = 'dr.signer@hospital.test';
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
    const admin = await portal.admin();
    const r = await admin.post('/api/doctors', {
      email,
      name: 'Dr Signer',
      registrationNumber: 'MCI-SIGN-1',
      password: PASSWORD,
    });
    expect(r.status, r.body).toBe(201);
    patient = await portal.patient('Asha Patil');
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
    files.remove();
    console.log(`[screenshots] ${shotsDir}`);
  });

  const verify = async (file: string, proof?: string) => {
    await page.goto(`${base}/verify`);
    await page.getByLabel('Document to check').setInputFiles(file);
    if (proof) await page.getByLabel('Proof file (optional, .json)').setInputFiles(proof);
    await page.getByRole('button', { name: 'Check document' }).click();
    await page.locator('[data-outcome]').waitFor({ timeout: 20_000 });
    return page.evaluate<{ outcome: string; signature: string | null; text: string }>(VERDICT_STATE);
  };

  let documentId = '';
  let receipt: Record<string, unknown> & { issuer: Address };

  it('enrolls the passkey at first sign-in, issues a document and signs it with the same passkey', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.getByRole('button', { name: 'I have saved these codes' }).click();
    await page.getByRole('heading', { name: 'Doctor’s desk' }).waitFor();

    const pdf = join(files.path, 'fitness.pdf');
    writeFileSync(pdf, '%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const form = page.getByRole('region', { name: 'Issue a document' });
    await form.getByLabel('Patient id (Aadhaar, ABHA or mobile number)').fill(patient.patientNumber);
    await form.getByLabel('Title').fill('Fitness certificate');
    await form.getByLabel('Document file (PDF, PNG, JPEG or text)').setInputFiles(pdf);
    await form.getByRole('button', { name: 'Issue document', exact: true }).click();
    await page.getByText('You signed it with your passkey').waitFor({ timeout: 30_000 });
    await screenshot('issued-and-signed');

    // Its counter moved: enrolment left the session signed in, so the one assertion was over the leaf.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.signCount).toBeGreaterThan(0);

    const [doc] = (await patient.get('/api/documents')).json<{ id: string; signature: string }[]>();
    documentId = doc!.id;
    expect(doc!.signature).toBe('signed');
    await portal.waitAnchored(patient, documentId);
    receipt = (await patient.get(`/api/documents/${documentId}/receipt`)).json();
    const credentialId = Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url');
    expect(receipt.issuerSignature).toMatchObject({ credentialId });
  });

  it('the verify page, checking the chain from the browser, says the doctor signed it', async () => {
    const content = await patient.get(`/api/documents/${documentId}/content`);
    const file = join(files.path, 'issued.pdf');
    writeFileSync(file, content.raw);
    const proof = join(files.path, 'issued.receipt.json');
    writeFileSync(proof, JSON.stringify(receipt));
    const state = await verify(file, proof);
    expect(state).toMatchObject({ outcome: 'authentic', signature: 'signed' });
    await page.getByText('Signed by the doctor with their passkey.').waitFor();
    await screenshot('verify-signed');
  });

  it('a leaf in the doctor’s name anchored by the portal’s anchorer without their signature: not signed', async () => {
    const bytes = '%PDF-1.4 forged sick note\n%%EOF\n';
    const forged = join(files.path, 'forged.pdf');
    writeFileSync(forged, bytes);
    const proof = join(files.path, 'forged.receipt.json');
    writeFileSync(proof, JSON.stringify(await anchorForgedLeaf(portal.system, bytes, receipt)));
    const state = await verify(forged, proof);
    expect(state).toMatchObject({ outcome: 'not-signed' });
    expect(state.text).toContain('Not signed by the doctor');
    await page.getByText('Details', { exact: true }).click();
    await page.getByText('ISSUER_SIGNATURE_INVALID').first().waitFor();
    await screenshot('verify-not-signed');
  });
});
