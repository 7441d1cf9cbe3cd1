import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import QRCode from 'qrcode';
import { afterAll, describe, expect, it } from 'vitest';
import type { StampMark } from './StampMark.js';
import { imageToPdf } from './imageToPdf.js';
import { stampDocument, stampPdf } from './stampPdf.js';
import { stampUpload } from './stampUpload.js';
import { winAnsiText } from './winAnsiText.js';

const dir = mkdtempSync(join(tmpdir(), 'medproof-stamp-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mark: StampMark = {
  url: 'https://portal.hospital.example/v/ABCDEFGHJK#MNPQRSTVWXYZ012',
  code: 'ABCDE-FGHJK-MNPQR-STVWX-YZ012',
  verifyAddress: 'https://portal.hospital.example/v',
};

let n = 0;
/** Every page rendered at 150 dpi (a print, then a scan) and the QR code zbar reads on each. */
function scanPages(pdf: Uint8Array): string[] {
  const name = `doc-${++n}`;
  const path = join(dir, `${name}.pdf`);
  writeFileSync(path, pdf);
  execFileSync('pdftoppm', ['-r', '150', '-gray', '-png', path, join(dir, name)]);
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))
    .sort()
    .map((f) =>
      execFileSync('zbarimg', ['-q', '--raw', join(dir, f)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
}

const textOf = (pdf: Uint8Array) => {
  const path = join(dir, `text-${++n}.pdf`);
  writeFileSync(path, pdf);
  return execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' });
};

async function samplePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const [size, text] of [
    [[595, 842], 'Haemoglobin 13.5 g/dL'],
    [[842, 595], 'Landscape page'],
    [[300, 200], 'A small label'],
  ] as const) {
    const page = doc.addPage([...size]);
    page.drawText(text, { x: 20, y: size[1] - 40, size: 14, font });
  }
  return doc.save();
}

describe('stamping PDFs', () => {
  it('puts a QR code that scans to the verify URL, and the typed code, on every page; the content stays', async () => {
    const original = await samplePdf();
    const r = await stampPdf(original, mark);
    expect(r.stamped).toBe(true);
    if (!r.stamped) return;
    const stamped = await PDFDocument.load(r.bytes);
    expect(stamped.getPageCount()).toBe(3);
    expect(stamped.getPages().map((p) => [p.getWidth(), p.getHeight()])).toEqual([
      [595, 842],
      [842, 595],
      [300, 200],
    ]);
    expect(scanPages(r.bytes)).toEqual([mark.url, mark.url, mark.url]);
    const text = textOf(r.bytes);
    expect(text).toContain('Haemoglobin 13.5 g/dL');
    expect(text.match(/ABCDE-FGHJK-MNPQR-STVWX-YZ012/g)).toHaveLength(3);
    expect(text).toContain('https://portal.hospital.example/v');
    expect(Buffer.from(r.bytes).equals(Buffer.from(original))).toBe(false);
  });

  it('leaves a file it cannot edit as it is, saying why: not a PDF, encrypted, no pages', async () => {
    expect(await stampPdf(Buffer.from('%PDF-1.4\nnot really a pdf\n%%EOF\n'), mark)).toEqual({
      stamped: false,
      reason: 'unreadable',
    });
    const enc = await PDFDocument.create();
    enc.addPage();
    // An /Encrypt entry in the trailer is what marks an encrypted PDF.
    enc.context.trailerInfo.Encrypt = enc.context.obj({ Filter: PDFName.of('Standard') });
    expect(await stampPdf(await enc.save(), mark)).toEqual({ stamped: false, reason: 'encrypted' });
    expect(await stampDocument(await PDFDocument.create(), mark)).toEqual({
      stamped: false,
      reason: 'no-pages',
    });
  });

  it('issues a PNG and a JPEG inside a stamped A4 PDF, named .pdf; an undecodable image stays as it came', async () => {
    const png = await QRCode.toBuffer('an x-ray, say', { width: 600 });
    const madePng = await stampUpload(
      { held: true, bytes: png, uploadHash: '0x', kind: 'png', mime: 'image/png', fileName: 'xray.png' },
      mark,
      'X-ray',
    );
    expect(madePng).toMatchObject({ stamped: true, kind: 'pdf', fileName: 'xray.pdf' });
    const scans = scanPages(madePng.bytes);
    // The page holds two QR codes: the image's own and the stamp's.
    expect(scans[0]!.split('\n').sort()).toEqual(['an x-ray, say', mark.url].sort());

    const jpegPrefix = join(dir, 'photo');
    writeFileSync(`${jpegPrefix}.pdf`, await samplePdf());
    execFileSync('pdftoppm', ['-r', '30', '-jpeg', '-singlefile', `${jpegPrefix}.pdf`, jpegPrefix]);
    const { readFileSync } = await import('node:fs');
    const jpeg = readFileSync(`${jpegPrefix}.jpg`);
    const doc = await imageToPdf(jpeg, 'jpeg', 'Photo');
    expect(doc?.getPageCount()).toBe(1);
    const madeJpeg = await stampUpload(
      { held: true, bytes: jpeg, uploadHash: '0x', kind: 'jpeg', mime: 'image/jpeg', fileName: 'photo.JPG' },
      mark,
      'Photo',
    );
    expect(madeJpeg).toMatchObject({ stamped: true, fileName: 'photo.pdf' });
    expect(scanPages(madeJpeg.bytes)).toEqual([mark.url]);

    const broken = Buffer.concat([png.subarray(0, 40), Buffer.alloc(40)]);
    const kept = await stampUpload(
      { held: true, bytes: broken, uploadHash: '0x', kind: 'png', mime: 'image/png', fileName: 'scan.png' },
      mark,
      'Scan',
    );
    expect(kept).toMatchObject({ stamped: false, kind: 'png', fileName: 'scan.png' });
    expect(Buffer.from(kept.bytes).equals(broken)).toBe(true);
    if (!kept.stamped) expect(kept.note).toMatch(/could not be read/);
  });

  it('prints what the standard fonts cannot encode as plain characters', () => {
    expect(winAnsiText('“Rest” – 3 days… café')).toBe('"Rest" - 3 days... café');
    expect(winAnsiText('मीरा राव')).toBe('???? ???');
  });
});
