import { closeSync, existsSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmWithApp, enableAuthenticatorApp } from '../helpers/appSecondFactor.js';
import { launchChromium } from '../helpers/browser.js';
import { PASSWORD, startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { tmpDir } from '../helpers/tmp.js';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Until `check` holds (bounded): the server notices a cut-off upload a moment after the browser. */
async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: still not so after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Cancelling a long upload in a real browser: the doctor's upload is slowed (DevTools network
 * throttling) so it is still being sent when Cancel is pressed; the request is cut off, and the
 * server stores nothing (no document row, no blob, not even a temp file) and gives its
 * Idempotency-Key back, so sending the same file again is issued once.
 */
describe('cancelling an upload', () => {
  let portal: TestPortal;
  let browser: Browser;
  let doctor: Client;
  let patient: Client & { patientNumber: string };
  let secret: string;
  const contexts: BrowserContext[] = [];
  const files = tmpDir('medproof-cancel-');
  // 40 MB of text: never stamped, so it streams to a temp blob as it arrives (a PDF is held in
  // memory up to the stamping limit first, and the server would show nothing for 32 MB).
  const bigPath = join(files.path, 'notes.txt');

  const stored = async () => {
    const k = portal.system.db.kysely;
    const documents = await k
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const keys = await k
      .selectFrom('idempotency_keys')
      .select(['status'])
      .where('doctor_id', '=', doctor.user!.id)
      .execute();
    return {
      documents: Number(documents.n),
      blobs: filesUnder(join(portal.dataDir, 'blobs')).length,
      keys: keys.map((r) => r.status),
    };
  };

  beforeAll(async () => {
    const fd = openSync(bigPath, 'w');
    const line = 'Ward round notes: stable, afebrile, continue the same treatment.\n';
    const chunk = Buffer.from(line.repeat(Math.floor((1024 * 1024) / line.length)));
    for (let i = 0; i < 40; i++) writeSync(fd, chunk);
    closeSync(fd);
    portal = await startTestPortal({ config: { maxUploadMb: 64 } });
    const admin = await portal.admin();
    doctor = await portal.doctor(admin, 'Dr Cancel');
    secret = await enableAuthenticatorApp(doctor);
    patient = await portal.patient('Ravi Cancel');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await portal?.stop();
    files.remove();
  });

  const doctorPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(`${portal.system.url}/`);
    await page.getByLabel('Email').fill(doctor.user!.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await confirmWithApp(page, secret);
    await page.getByRole('heading', { name: 'Doctor’s desk' }).waitFor();
    return page;
  };

  it('Cancel upload cuts the request off; nothing is stored, and sending it again issues it once', async () => {
    const page = await doctorPage();
    const before = await stored();
    expect(before.blobs).toBe(0);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    // 256 KiB/s up: the 40 MB file would take minutes.
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 256 * 1024,
    });

    const form = page.getByRole('region', { name: 'Issue a document' });
    await form.getByLabel('Patient id (Aadhaar, ABHA or mobile number)').fill(patient.patientNumber);
    await form.getByLabel('Title').fill('Ward round notes');
    await form.getByLabel('Document file (PDF, PNG, JPEG or text)').setInputFiles(bigPath);
    await form.getByText('Chosen: notes.txt').waitFor();
    await form.getByRole('button', { name: 'Issue document', exact: true }).click();
    await page.getByText(/Uploading: \d+%/).waitFor();
    // The server has begun to receive it: its temp blob exists (a file under blobs/tmp).
    await eventually('the server receives the upload', async () => (await stored()).blobs === 1);
    expect((await stored()).keys).toEqual(['in_flight']);

    await page.getByRole('button', { name: 'Cancel upload' }).click();
    await page.getByText('the upload was cancelled', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Cancel upload' }).waitFor({ state: 'detached' });
    // Cut off mid-body: the server drops the temp blob and gives the key back.
    await eventually('nothing is left on the server', async () => {
      const s = await stored();
      return s.blobs === 0 && s.keys.length === 0;
    });
    expect(await stored()).toEqual({ documents: before.documents, blobs: 0, keys: [] });

    // Full speed again: the same upload, sent again (under the same key: its fate was unknown).
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await page.getByRole('button', { name: 'Issue document', exact: true }).click();
    await page.getByText('Issued “Ward round notes”').waitFor({ timeout: 60_000 });
    expect(await stored()).toEqual({ documents: before.documents + 1, blobs: 1, keys: ['done'] });
  });
});
