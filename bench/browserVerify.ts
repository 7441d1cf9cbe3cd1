import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toHex } from 'viem';
import { anchorDirectV2 } from '../src/anchoring/anchorDirect.js';
import { deployRegistryV2 } from '../src/chain/registry/deployRegistryV2.js';
import { sendRegistryV2Tx } from '../src/chain/registry/sendRegistryTx.js';
import type { Institution, IssuerProfile } from '../src/core/identity/identitySchemas.js';
import { profileCommitment } from '../src/core/identity/profileCommitment.js';
import { launchChromium } from '../test/helpers/browser.js';
import { startPublicRpcNode } from '../test/helpers/publicRpcNode.js';
import { writeRandomFile } from './files.js';
import { median, ms, table } from './table.js';

const RUNS = 10;
const rand32 = () => toHex(crypto.getRandomValues(new Uint8Array(32)));

// In the page: press "Check document" and time until a new verdict is shown (the old one goes first).
// A string: it runs in the page, whose DOM types Node does not load.
const CHECK_IN_PAGE = `new Promise((resolve) => {
  let gone = !document.querySelector('[data-verdict]');
  const started = performance.now();
  const observer = new MutationObserver(() => {
    const v = document.querySelector('[data-verdict]');
    if (!v) gone = true;
    else if (gone) {
      observer.disconnect();
      resolve({ elapsed: performance.now() - started, verdict: v.getAttribute('data-verdict') });
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Check document').click();
})`;

/**
 * Verification in the browser with the receipt in hand: the standalone verifier page (`medproof
 * verifier-page`, opened from disk in Debian's Chromium) checks a 1 MB file and its v2 receipt against
 * a separate anvil answering CORS, from pressing "Check document" to the verdict on screen: hashing
 * the file on the page plus the chain reads (one batch: chain id, `check`, the anchoring transaction's
 * receipt). No DNS lookup (resolver left empty). Median and slowest of RUNS; printed, never asserted.
 */
export async function benchBrowserVerify(dir: string): Promise<string> {
  const node = await startPublicRpcNode();
  const browser = await launchChromium();
  try {
    const city: Institution = { name: 'City Hospital', domain: 'city-hospital.example', salt: rand32() };
    const registry = (await deployRegistryV2(node.conn, node.admin, city)).address;
    const profile: IssuerProfile = {
      name: 'Dr. A. Deshpande',
      registrationNumber: '2011/04/1234',
      council: 'MMC',
      institution: { name: city.name, domain: city.domain },
      passkeys: [],
      salt: rand32(),
    };
    const doctor = node.anchorer.address;
    await sendRegistryV2Tx(node.conn, node.admin, registry, 'enrollIssuer', [
      doctor,
      profileCommitment(profile, profile.salt),
    ]);
    const doc = join(dir, 'verify-1mb.pdf');
    writeRandomFile(doc, 1, '%PDF-1.7\n');
    const docHash = toHex(createHash('sha256').update(readFileSync(doc)).digest());
    // A batch of 256, as the portal's engine anchors: the receipt's proof has 8 steps.
    const docs = Array.from({ length: 256 }, (_, i) => ({
      docHash: i === 0 ? docHash : rand32(),
      salt: rand32(),
      patientRef: rand32(),
      issuer: doctor,
      docType: 'report',
      issuedAt: Math.floor(Date.now() / 1000),
    }));
    const { receipts } = await anchorDirectV2(node.conn, node.admin, registry, docs, {
      issuerProfile: profile,
      institution: city,
    });
    const receipt = join(dir, 'verify-1mb.pdf.receipt.json');
    writeFileSync(receipt, JSON.stringify(receipts[0]));
    const html = join(dir, 'verify.html');
    execFileSync(process.execPath, [
      new URL('../bin/medproof.js', import.meta.url).pathname,
      'verifier-page',
      '--out',
      html,
    ]);

    const page = await (await browser.newContext()).newPage();
    await page.goto(pathToFileURL(html).href);
    await page.getByLabel('Document to check').setInputFiles(doc);
    await page.getByLabel('Receipt (.json)').setInputFiles(receipt);
    await page.getByLabel('Chain endpoint (JSON-RPC URL)').fill(node.rpcUrl);
    await page.getByText('Whom to trust').click();
    await page.getByLabel('DNS-over-HTTPS resolver').fill('');
    const times: number[] = [];
    // One unmeasured run: the page's first hash compiles its code paths.
    for (let i = 0; i <= RUNS; i++) {
      const r = await page.evaluate<{ elapsed: number; verdict: string }>(CHECK_IN_PAGE);
      if (r.verdict !== 'VALID') throw new Error(`the page said ${r.verdict}, not VALID`);
      if (i > 0) times.push(r.elapsed);
    }
    return table(
      `Verification in the browser, receipt in hand: 1 MB file, v2 receipt (batch of 256), standalone page in Chromium against anvil, ms (${RUNS} runs)`,
      ['file', 'receipt', 'median', 'slowest', 'what it includes'],
      [
        [
          '1 MB',
          'v2',
          ms(median(times)),
          ms(Math.max(...times)),
          'hash on the page + one JSON-RPC batch + render',
        ],
      ],
    );
  } finally {
    await browser.close();
    await node.stop();
  }
}
