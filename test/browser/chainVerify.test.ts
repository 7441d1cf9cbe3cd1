import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../helpers/browser.js';
import { type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDohServer, type DohServer } from '../helpers/dohServer.js';
import { startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { tmpDir } from '../helpers/tmp.js';

const shotsDir = join(
  new URL('../..', import.meta.url).pathname,
  'test-artifacts',
  'screenshots',
  `chain-verify-${new Date().toISOString().replace(/[:.]/g, '-')}`,
);

/** The JSON-RPC methods in a request's body (single or batch), [] when it is not JSON-RPC. */
function rpcMethods(r: Request): string[] {
  try {
    const body = JSON.parse(r.postData() ?? '') as { method?: string } | { method?: string }[];
    return (Array.isArray(body) ? body : [body]).map((b) => String(b.method));
  } catch {
    return [];
  }
}

/**
 * Verification in the browser against the chain: the verify page and the share page run core's
 * verifyDocument in Chromium, reading the chain through the portal's read-only /rpc proxy; the portal
 * gives the receipt only, never the verdict (no request to /api/verify).
 */
describe('verification in the browser, against the chain', () => {
  let portal: TestPortal;
  let doh: DohServer;
  let browser: Browser;
  let patient: Client;
  let docId = '';
  let receiptPath = '';
  const files = tmpDir('medproof-chainverify-');
  const contexts: BrowserContext[] = [];
  const original = Buffer.from('%PDF-1.4\nPlatelets 250 x10^9/L. Fit to travel.\n%%EOF\n');
  const filePath = join(files.path, 'platelets.pdf');
  const tamperedPath = join(files.path, 'platelets-copy.pdf');

  const newPage = async (viewport: { width: number; height: number }) => {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    const requests: Request[] = [];
    page.on('request', (r) => requests.push(r));
    return { page, requests };
  };
  const url = (path: string) => `${portal.system.url}${path}`;
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });

  /** What a page asked: the /rpc methods, and whether /api/verify was ever called. */
  const traffic = (requests: Request[]) => ({
    rpc: requests
      .filter((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/rpc')
      .flatMap(rpcMethods),
    verifyApi: requests.filter((r) => new URL(r.url()).pathname === '/api/verify').length,
  });

  beforeAll(async () => {
    mkdirSync(shotsDir, { recursive: true });
    writeFileSync(filePath, original);
    const copy = Buffer.from(original);
    copy[original.indexOf('250') + 1] = '9'.charCodeAt(0); // one byte: 250 → 290
    writeFileSync(tamperedPath, copy);
    // The portal's DNS-over-HTTPS resolver: a local one, so the institution's TXT record is this test's.
    doh = await startDohServer();
    portal = await startTestPortal({ config: { port: 0 }, env: { MEDPROOF_DOH_URL: doh.url } });
    doh.records.set(portal.system.config.institutionDomain, [
      [`medproof chain=31337 registry=${portal.system.registry}`],
    ]);
    const admin = await portal.admin();
    const doctor = await portal.doctor(admin, 'Dr Chain');
    patient = await portal.patient('Meera Rao');
    const issued = await portal.issue(doctor, patient.user!.id, {
      filename: 'platelets.pdf',
      data: original,
    });
    expect(issued.status, issued.body).toBe(201);
    docId = issued.json<{ id: string }>().id;
    await portal.waitAnchored(patient, docId);
    const receipt = await patient.get(`/api/documents/${docId}/receipt`);
    expect(receipt.status, receipt.body).toBe(200);
    receiptPath = join(files.path, 'platelets.pdf.receipt.json');
    writeFileSync(receiptPath, receipt.body);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await portal?.stop();
    await doh?.close();
    files.remove();
    console.log(`[screenshots] ${shotsDir}`);
  });

  it('the verify page checks the file and its receipt against the chain through /rpc: VALID, then TAMPERED', async () => {
    const { page, requests } = await newPage({ width: 1280, height: 800 });
    await page.goto(url('/verify'));
    await page.getByLabel('Document to check').setInputFiles(filePath);
    await page.getByLabel('Proof file (optional, .json)').setInputFiles(receiptPath);
    await page.getByRole('button', { name: 'Check document' }).click();
    await page.getByRole('heading', { name: 'Authentic' }).waitFor();
    expect(await page.locator('[data-verdict]').getAttribute('data-verdict')).toBe('VALID');
    await page.getByText(`Checked against the chain at ${portal.system.url}/rpc (chain 31337)`).waitFor();
    // Who issued it, from the v2 receipt's profile as the registry's commitment vouches for it.
    const issuerLine = await page.locator('[data-issuer]').textContent();
    expect(issuerLine).toMatch(/^Issued by Dr Chain \(NMC MCI-[0-9a-f]+\), medproof development hospital\.$/);
    await page.getByText('Details', { exact: true }).click();
    await shot(page, 'desktop-verify-valid');
    const valid = traffic(requests);
    expect(valid.rpc).toEqual(
      expect.arrayContaining(['eth_chainId', 'eth_call', 'eth_getTransactionReceipt']),
    );
    expect(valid.verifyApi).toBe(0);

    await page.getByLabel('Document to check').setInputFiles(tamperedPath);
    await page.getByRole('button', { name: 'Check document' }).click();
    await page.getByRole('heading', { name: 'Altered — do not trust this file' }).waitFor();
    expect(await page.locator('[data-verdict]').getAttribute('data-verdict')).toBe('TAMPERED');
    await shot(page, 'desktop-verify-tampered');
    expect(traffic(requests).verifyApi).toBe(0);
    // No file contents left the browser.
    for (const r of requests) expect(r.postData() ?? '').not.toContain('Platelets');
  });

  it("the institution's DNS record, asked from the browser over the portal's DoH resolver (its origin in the CSP)", async () => {
    const domain = portal.system.config.institutionDomain;
    const csp = String((await portal.client().get('/')).headers['content-security-policy']);
    expect(csp).toContain(`connect-src 'self' ${new URL(doh.url).origin};`);
    expect((await portal.client().get('/api/chain')).json()).toMatchObject({ dohUrl: doh.url });

    const { page, requests } = await newPage({ width: 1280, height: 800 });
    await page.goto(url('/verify'));
    await page.getByLabel('Document to check').setInputFiles(filePath);
    await page.getByLabel('Proof file (optional, .json)').setInputFiles(receiptPath);
    await page.getByRole('button', { name: 'Check document' }).click();
    await page.getByRole('heading', { name: 'Authentic' }).waitFor();
    await page.getByText(`Institution: ${domain} (DNS-verified).`).waitFor();
    const asked = requests.filter((r) => r.url().startsWith(doh.url));
    expect(asked.map((r) => new URL(r.url()).searchParams.get('name'))).toEqual([domain]);
    await shot(page, 'desktop-verify-dns-verified');

    // Missing: the portal's registry is trusted by configuration, so VALID stands; the domain is not verified.
    doh.records.delete(domain);
    await page.getByRole('button', { name: 'Check document' }).click();
    const line = page.locator('[data-institution-domain]');
    await expect.poll(() => line.getAttribute('data-institution-domain')).toBe('DNS_NOT_FOUND');
    expect(await page.locator('[data-verdict]').getAttribute('data-verdict')).toBe('VALID');
    expect(await line.textContent()).toContain(`not verified): ${domain} has no medproof TXT record`);

    // Mismatched, through a resolver the verifier types in (a second local one).
    const other = await startDohServer();
    try {
      other.records.set(domain, [[`medproof chain=31337 registry=0x${'cd'.repeat(20)}`]]);
      await page.getByText('Check against another chain endpoint').click();
      await page.getByLabel('DNS-over-HTTPS resolver').fill(other.url);
      await page.getByRole('button', { name: 'Check document' }).click();
      await expect.poll(() => line.getAttribute('data-institution-domain')).toBe('DNS_MISMATCH');
      expect((await line.textContent())?.toLowerCase()).toContain(`names registry 0x${'cd'.repeat(20)}`);
      expect(other.asked).toEqual([domain]);
      await shot(page, 'desktop-verify-dns-mismatch');
    } finally {
      await other.close();
      doh.records.set(domain, [[`medproof chain=31337 registry=${portal.system.registry}`]]);
    }
  });

  it('without a receipt, on a phone: the receipt comes from the portal by fingerprint, the verdict from /rpc', async () => {
    const { page, requests } = await newPage({ width: 390, height: 844 });
    await page.goto(url('/verify'));
    await page.getByLabel('Document to check').setInputFiles(filePath);
    await page.getByRole('button', { name: 'Check document' }).click();
    await page.getByRole('heading', { name: 'Authentic' }).waitFor();
    await shot(page, 'phone-verify-valid');
    expect(requests.some((r) => new URL(r.url()).pathname.startsWith('/api/receipts/by-hash/0x'))).toBe(true);
    const t = traffic(requests);
    expect(t.rpc).toEqual(expect.arrayContaining(['eth_call', 'eth_getTransactionReceipt']));
    expect(t.verifyApi).toBe(0);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  });

  it('a typed-in endpoint is the one asked; an unreachable one is “could not check”, not a verdict on the file', async () => {
    const { page, requests } = await newPage({ width: 1280, height: 800 });
    await page.goto(url('/verify'));
    await page.getByLabel('Document to check').setInputFiles(filePath);
    await page.getByLabel('Proof file (optional, .json)').setInputFiles(receiptPath);
    await page.getByText('Check against another chain endpoint').click();
    // A port nothing listens on, on this machine (the verify page's CSP allows 127.0.0.1).
    await page.getByLabel('Chain endpoint (JSON-RPC URL)').fill('http://127.0.0.1:9/');
    await page.getByRole('button', { name: 'Check document' }).click();
    await page.getByRole('heading', { name: 'Could not check' }).waitFor();
    await page
      .getByText('Asked the chain at http://127.0.0.1:9/, from this browser: it did not answer.')
      .waitFor();
    expect(requests.some((r) => r.url() === 'http://127.0.0.1:9/')).toBe(true);
    expect(traffic(requests).rpc).toEqual([]);
  });

  it('the share page’s verdict also comes from /rpc, on a phone and on a desktop', async () => {
    const created = await patient.post(`/api/documents/${docId}/shares`, { expiresInHours: 1 });
    expect(created.status, created.body).toBe(201);
    const shareUrl = created.json<{ url: string }>().url;
    for (const [name, viewport] of [
      ['phone', { width: 390, height: 844 }],
      ['desktop', { width: 1280, height: 800 }],
    ] as const) {
      const { page, requests } = await newPage(viewport);
      await page.goto(shareUrl);
      await page.getByRole('heading', { name: 'Authentic' }).waitFor();
      await page.getByText(`Checked against the chain at ${portal.system.url}/rpc (chain 31337)`).waitFor();
      await page
        .getByText(`Institution: ${portal.system.config.institutionDomain} (DNS-verified).`)
        .waitFor();
      await shot(page, `${name}-share-valid`);
      const t = traffic(requests);
      expect(t.rpc, name).toEqual(expect.arrayContaining(['eth_call', 'eth_getTransactionReceipt']));
      expect(t.verifyApi).toBe(0);
      expect(requests.some((r) => new URL(r.url()).pathname.endsWith('/receipt'))).toBe(true);
    }
  });
});
