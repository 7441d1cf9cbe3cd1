import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import type { Address, Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorDirect } from '../../src/anchoring/anchorDirect.js';
import { deployRegistry } from '../../src/chain/registry/deployRegistry.js';
import type { Institution } from '../../src/core/identity/identitySchemas.js';
import { profileCommitment } from '../../src/core/identity/profileCommitment.js';
import { launchChromium } from '../helpers/browser.js';
import { startDohServer, type DohServer } from '../helpers/dohServer.js';
import { spawnCli } from '../helpers/processes.js';
import { startPublicRpcNode, type PublicRpcNode } from '../helpers/publicRpcNode.js';
import { deployRegistryV2, issueV2, profileFor, rand32, sendV2 } from '../helpers/registryV2.js';
import { tmpDir } from '../helpers/tmp.js';

const shotsDir = join(
  new URL('../..', import.meta.url).pathname,
  'test-artifacts',
  'screenshots',
  `verifier-page-${new Date().toISOString().replace(/[:.]/g, '-')}`,
);
const CITY: Institution = { name: 'City Hospital', domain: 'city-hospital.example', salt: rand32() };
const sha256 = (b: Buffer): Hex => `0x${createHash('sha256').update(b).digest('hex')}`;

/**
 * `medproof verifier-page`: the one HTML file, opened from disk in Chromium with no portal anywhere
 * (none is started in this file), verifies v1 and v2 receipts against a chain endpoint the verifier
 * types: a separate anvil answering CORS like a public RPC.
 */
describe('the standalone verifier page, opened from disk', () => {
  const dir = tmpDir('medproof-verifier-page-');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_')));
  let node: PublicRpcNode;
  let doh: DohServer;
  let registryV2: Address;
  let browser: Browser;
  let pageUrl = '';
  const contexts: BrowserContext[] = [];
  const path = (name: string) => join(dir.path, name);
  const v1 = { doc: path('platelets.pdf'), receipt: path('platelets.pdf.receipt.json') };
  const v2 = { doc: path('fitness.pdf'), receipt: path('fitness.pdf.receipt.json') };
  const tampered = path('platelets-copy.pdf');

  beforeAll(async () => {
    mkdirSync(shotsDir, { recursive: true });
    node = await startPublicRpcNode();
    doh = await startDohServer();

    // v1: a registry whose deployer holds every role and issues the document itself.
    const original = Buffer.from('%PDF-1.4\nPlatelets 250 x10^9/L.\n%%EOF\n');
    writeFileSync(v1.doc, original);
    const copy = Buffer.from(original);
    copy[original.indexOf('250') + 1] = '9'.charCodeAt(0);
    writeFileSync(tampered, copy);
    const registryV1 = (await deployRegistry(node.conn, node.admin)).address;
    const { receipts } = await anchorDirect(node.conn, node.admin, registryV1, [
      {
        docHash: sha256(original),
        salt: rand32(),
        patientRef: rand32(),
        issuer: node.admin.address,
        docType: 'report',
        issuedAt: Math.floor(Date.now() / 1000),
      },
    ]);
    writeFileSync(v1.receipt, JSON.stringify(receipts[0]));

    // v2: an enrolled doctor's document with its profile, anchored by the anchorer.
    const certificate = Buffer.from('%PDF-1.7 fitness certificate, standalone');
    writeFileSync(v2.doc, certificate);
    registryV2 = await deployRegistryV2(node, CITY);
    const doctor = mnemonicToAccount('test test test test test test test test test test test junk', {
      addressIndex: 7,
    });
    const profile = profileFor('Dr. A. Deshpande', '2011/04/1234', CITY);
    await sendV2(node, node.admin, registryV2, 'enrollIssuer', [
      doctor.address,
      profileCommitment(profile, profile.salt),
    ]);
    const [issued] = await issueV2(node, registryV2, CITY, [
      { issuer: doctor.address, profile, docHash: sha256(certificate) },
    ]);
    writeFileSync(v2.receipt, JSON.stringify(issued!.receipt));

    const html = path('verify.html');
    const written = spawnCli(['verifier-page', '--out', html], { cwd: dir.path, env });
    expect(await written.exited, written.stderr()).toBe(0);
    pageUrl = pathToFileURL(html).href;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await node?.stop();
    await doh?.close();
    dir.remove();
    console.log(`[screenshots] ${shotsDir}`);
  });

  const open = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (e) => errors.push(e));
    const requests: Request[] = [];
    page.on('request', (r) => requests.push(r));
    await page.goto(pageUrl);
    return { page, requests, errors };
  };
  /** Opens "Whom to trust" unless it is open (a click on its summary would close it). */
  const openTrust = async (page: Page) => {
    const details = page.locator('details', { hasText: 'Whom to trust' });
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  };
  /** `dohUrl` empty: the institution's domain is not asked (so only the chain endpoint is). */
  const check = async (page: Page, doc: string, receipt: string, rpcUrl: string, dohUrl = '') => {
    await page.getByLabel('Document to check').setInputFiles(doc);
    await page.getByLabel('Receipt (.json)').setInputFiles(receipt);
    await page.getByLabel('Chain endpoint (JSON-RPC URL)').fill(rpcUrl);
    await openTrust(page);
    await page.getByLabel('DNS-over-HTTPS resolver').fill(dohUrl);
    await page.getByRole('button', { name: 'Check document' }).click();
    await page.locator('[data-verdict]').waitFor();
    return page.locator('[data-verdict]').getAttribute('data-verdict');
  };
  /** Every request the page made that is not the page itself. */
  const network = (requests: Request[]) => requests.filter((r) => r.url() !== pageUrl);

  it('the command prints the same self-contained file on stdout: inline code only, a CSP that allows no other source', async () => {
    const printed = spawnCli(['verifier-page'], { cwd: dir.path, env });
    expect(await printed.exited, printed.stderr()).toBe(0);
    const html = printed.stdout();
    expect(html).toBe(readFileSync(path('verify.html'), 'utf8'));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/);
    expect(html).not.toMatch(/<link[^>]*rel="stylesheet"/);
    expect(html).toContain("default-src 'none'; script-src 'sha256-");
  });

  it('a v1 receipt: VALID for the genuine file, TAMPERED for a one-byte change; only the typed endpoint is asked', async () => {
    const { page, requests, errors } = await open();
    // The receipt's chain (31337, a development chain) suggests a node on this computer.
    await page.getByLabel('Receipt (.json)').setInputFiles(v1.receipt);
    await expect
      .poll(() => page.getByLabel('Chain endpoint (JSON-RPC URL)').inputValue())
      .toBe('http://127.0.0.1:8545');
    expect(await check(page, v1.doc, v1.receipt, node.rpcUrl)).toBe('VALID');
    await page.getByRole('heading', { name: 'Authentic' }).waitFor();
    await page.getByText(`Checked against the chain at ${node.rpcUrl}/ (chain 31337)`).waitFor();
    await page.getByText('Details', { exact: true }).click();
    await page.screenshot({ path: join(shotsDir, 'v1-valid.png'), fullPage: true });

    expect(await check(page, tampered, v1.receipt, node.rpcUrl)).toBe('TAMPERED');
    await page.getByRole('heading', { name: 'Altered — do not trust this file' }).waitFor();
    await page.screenshot({ path: join(shotsDir, 'v1-tampered.png'), fullPage: true });

    const asked = network(requests);
    expect(asked.length).toBeGreaterThan(0);
    for (const r of asked) expect(r.url()).toBe(`${node.rpcUrl}/`);
    for (const r of asked) expect(r.postData() ?? '').not.toContain('Platelets');
    expect(errors).toEqual([]);
  });

  it("a v2 receipt: VALID, naming the doctor from the receipt's profile the registry committed to", async () => {
    const { page, requests, errors } = await open();
    expect(await check(page, v2.doc, v2.receipt, node.rpcUrl)).toBe('VALID');
    await page
      .getByText('Issued by Dr. A. Deshpande (MMC 2011/04/1234), City Hospital (city-hospital.example).')
      .waitFor();
    await page.getByText('Details', { exact: true }).click();
    await page.screenshot({ path: join(shotsDir, 'v2-valid.png'), fullPage: true });
    expect(await page.locator('ul.checks li', { hasText: 'issuerTerm' }).count()).toBe(1);
    for (const r of network(requests)) expect(r.url()).toBe(`${node.rpcUrl}/`);
    expect(errors).toEqual([]);
  });

  it('the DNS-TXT check over DNS-over-HTTPS: verified, missing and mismatched are not verified, unreachable is could not check', async () => {
    const { page, requests, errors } = await open();
    // The default resolver is a public one; this test's runs on 127.0.0.1.
    await openTrust(page);
    expect(await page.getByLabel('DNS-over-HTTPS resolver').inputValue()).toBe(
      'https://cloudflare-dns.com/dns-query',
    );
    const line = page.locator('[data-institution-domain]');

    doh.records.set(CITY.domain, [['v=spf1 -all'], [`medproof chain=31337 registry=${registryV2}`]]);
    expect(await check(page, v2.doc, v2.receipt, node.rpcUrl, doh.url)).toBe('VALID');
    await page.getByText('Institution: city-hospital.example (DNS-verified).').waitFor();
    expect(await line.getAttribute('data-institution-domain')).toBe('VALID');
    await page.screenshot({ path: join(shotsDir, 'dns-verified.png'), fullPage: true });
    const dnsAsked = network(requests).filter((r) => r.url().startsWith(doh.url));
    expect(dnsAsked.map((r) => new URL(r.url()).searchParams.get('name'))).toEqual([CITY.domain]);

    // Missing: with no other trust source (no registry typed, no trust list) the registry proves nothing.
    doh.records.delete(CITY.domain);
    expect(await check(page, v2.doc, v2.receipt, node.rpcUrl, doh.url)).toBe('UNKNOWN_ISSUER');
    await expect.poll(() => line.getAttribute('data-institution-domain')).toBe('DNS_NOT_FOUND');
    expect(await line.textContent()).toContain('not verified');
    expect(await line.textContent()).toContain('city-hospital.example has no medproof TXT record');
    expect(await page.getByText('(DNS-verified)').count()).toBe(0);
    await page.screenshot({ path: join(shotsDir, 'dns-missing.png'), fullPage: true });

    const other = `0x${'ab'.repeat(20)}`;
    doh.records.set(CITY.domain, [[`medproof chain=31337 registry=${other}`]]);
    expect(await check(page, v2.doc, v2.receipt, node.rpcUrl, doh.url)).toBe('UNKNOWN_ISSUER');
    await expect.poll(() => line.getAttribute('data-institution-domain')).toBe('DNS_MISMATCH');
    expect((await line.textContent())?.toLowerCase()).toContain(`names registry ${other} on chain 31337`);
    expect(await line.textContent()).toContain('not verified');
    await page.screenshot({ path: join(shotsDir, 'dns-mismatch.png'), fullPage: true });

    // A resolver that does not answer, DNS being the only trust source: could not check, not "no record".
    expect(await check(page, v2.doc, v2.receipt, node.rpcUrl, 'http://127.0.0.1:9/dns-query')).toBe('ERROR');
    await expect.poll(() => line.getAttribute('data-institution-domain')).toBe('DNS_UNREACHABLE');

    // The registry typed in is trusted on its own: a mismatched record then only says so beside VALID.
    await openTrust(page);
    await page.getByLabel('Registry you trust (optional)').fill(registryV2);
    expect(await check(page, v2.doc, v2.receipt, node.rpcUrl, doh.url)).toBe('VALID');
    await expect.poll(() => line.getAttribute('data-institution-domain')).toBe('DNS_MISMATCH');
    expect(errors).toEqual([]);
  });

  it('an endpoint that does not answer is “could not check”, not a verdict on the file', async () => {
    const { page, errors } = await open();
    expect(await check(page, v1.doc, v1.receipt, 'http://127.0.0.1:9/')).toBe('ERROR');
    await page.getByRole('heading', { name: 'Could not check' }).waitFor();
    await page
      .getByText('Asked the chain at http://127.0.0.1:9/, from this browser: it did not answer.')
      .waitFor();
    await page.screenshot({ path: join(shotsDir, 'unreachable.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
