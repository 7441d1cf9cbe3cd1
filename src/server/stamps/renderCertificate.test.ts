import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { daysInclusive, longDate } from './calendarDate.js';
import { renderCertificate, wrapText, type CertificateContent } from './renderCertificate.js';

const dir = mkdtempSync(join(tmpdir(), 'medproof-render-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mark = {
  url: 'https://portal.hospital.example/v/ABCDEFGHJK#MNPQRSTVWXYZ012',
  code: 'ABCDE-FGHJK-MNPQR-STVWX-YZ012',
  verifyAddress: 'https://portal.hospital.example/v',
};
const base: CertificateContent = {
  kind: 'sick-leave',
  title: 'Medical certificate (sick leave)',
  text: 'Acute bronchitis. Rest and fluids.',
  from: '2026-12-01',
  to: '2026-12-05',
  institution: 'City General Hospital',
  patient: { name: 'Meera Rao', maskedId: 'XXXX XXXX 1234' },
  doctor: { name: 'Dr Kavya Iyer', registrationNumber: 'KMC-45678' },
  issuedAt: Date.UTC(2026, 11, 1, 9) / 1000,
};
let n = 0;
/** Every page at 150 dpi (a print, then a scan) and the QR code zbar reads on each. */
function scanPages(pdf: Uint8Array): string[] {
  const name = `doc-${++n}`;
  writeFileSync(join(dir, `${name}.pdf`), pdf);
  execFileSync('pdftoppm', ['-r', '150', '-gray', '-png', join(dir, `${name}.pdf`), join(dir, name)]);
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
  const path = join(dir, `t-${Math.random()}.pdf`);
  writeFileSync(path, pdf);
  return execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
};

describe('rendering certificates', () => {
  it('a sick-leave certificate: letterhead, patient, dates and days, doctor and registration, the stamp', async () => {
    const pdf = await renderCertificate(base, mark);
    const text = textOf(pdf);
    for (const s of [
      'City General Hospital',
      'Medical certificate (sick leave)',
      'Patient: Meera Rao',
      'Patient id: XXXX XXXX 1234',
      'Date of issue: 1 December 2026',
      'from 1 December 2026 to 5 December 2026 inclusive (5 days)',
      'Acute bronchitis. Rest and fluids.',
      'Dr Kavya Iyer',
      'Registration number: KMC-45678',
      'ABCDE-FGHJK-MNPQR-STVWX-YZ012',
    ])
      expect(text).toContain(s);
    expect(scanPages(pdf)).toEqual([mark.url]);
    const doc = await PDFDocument.load(pdf);
    expect(doc.getCreationDate()?.getTime()).toBe(base.issuedAt * 1000);
  });

  it('a long report runs over pages, each with the letterhead and the stamp; names outside Latin-1 do not break it', async () => {
    const text = Array.from({ length: 90 }, (_, i) => `Line ${i + 1}: observation noted.`).join('\n');
    const pdf = await renderCertificate(
      {
        ...base,
        kind: 'report',
        title: 'Discharge summary',
        text,
        patient: { name: 'मीरा Rao', maskedId: 'XXXX XXXX 1234' },
      },
      mark,
    );
    const pages = scanPages(pdf);
    expect(pages.length).toBeGreaterThan(1);
    expect(new Set(pages)).toEqual(new Set([mark.url]));
    const all = textOf(pdf);
    expect(all.match(/City General Hospital/g)).toHaveLength(pages.length);
    expect(all).toContain('Line 90: observation noted.');
    expect(all).toContain('Patient: ???? Rao');
  });

  it('wraps at the width, cuts a word longer than a line, keeps line breaks; dates are checked', async () => {
    const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    const lines = wrapText(`short words here\n${'x'.repeat(120)} end`, font, 10, 200);
    for (const l of lines) expect(font.widthOfTextAtSize(l, 10)).toBeLessThanOrEqual(200);
    expect(lines[0]).toBe('short words here');
    expect(lines.join('')).toBe(`short words here${'x'.repeat(120)}end`);
    expect(longDate('2026-02-30')).toBeUndefined();
    expect(longDate('2028-02-29')).toBe('29 February 2028');
    expect(daysInclusive('2026-12-31', '2027-01-01')).toBe(2);
  });
});
