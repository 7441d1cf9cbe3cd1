import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import type { CertificateKindName } from '../../api/index.js';
import { daysInclusive, longDate, ymdOf } from './calendarDate.js';
import { A4 } from './imageToPdf.js';
import { stampDocument } from './stampPdf.js';
import type { StampMark } from './StampMark.js';
import { winAnsiText } from './winAnsiText.js';

export interface CertificateContent {
  readonly kind: CertificateKindName;
  readonly title: string;
  readonly text: string;
  readonly from?: string;
  readonly to?: string;
  readonly institution: string;
  readonly patient: { readonly name: string; readonly maskedId: string };
  readonly doctor: { readonly name: string; readonly registrationNumber: string | null };
  readonly issuedAt: number;
}

export const DEFAULT_TITLES: Record<CertificateKindName, string> = {
  'sick-leave': 'Medical certificate (sick leave)',
  fitness: 'Certificate of fitness',
  report: 'Medical report',
};

const MARGIN = 56;
/** Kept clear at the foot of every page for the stamp. */
const FOOT = 100;
const GREY = rgb(0.35, 0.35, 0.35);

/** Splits text into lines no wider than `width`, keeping the author's line breaks; a word longer than a line is cut. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      let w = word;
      while (font.widthOfTextAtSize(w, size) > width) {
        let cut = w.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(w.slice(0, cut), size) > width) cut--;
        if (line) lines.push(line);
        lines.push(w.slice(0, cut));
        line = '';
        w = w.slice(cut);
      }
      const next = line ? `${line} ${w}` : w;
      if (font.widthOfTextAtSize(next, size) <= width) line = next;
      else {
        lines.push(line);
        line = w;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** The certifying sentence above the doctor's own text, in the words such certificates use. */
function statement(c: CertificateContent): string | undefined {
  const name = c.patient.name;
  if (c.kind === 'sick-leave' && c.from && c.to) {
    const days = daysInclusive(c.from, c.to);
    return `This is to certify that ${name} (${c.patient.maskedId}) was examined by me and, in my opinion, is unfit for work and needs rest from ${longDate(c.from)} to ${longDate(c.to)} inclusive (${days} day${days === 1 ? '' : 's'}).`;
  }
  if (c.kind === 'fitness' && c.from)
    return `This is to certify that I have examined ${name} (${c.patient.maskedId}) and find them medically fit from ${longDate(c.from)}, as follows:`;
  return undefined;
}

/**
 * Renders a certificate or report as an A4 PDF with pdf-lib: the institution's letterhead, the title,
 * who it is for, the statement and the doctor's text, the doctor's name and registration number, and
 * the verification stamp on every page. The result is the exact file that is hashed and anchored.
 */
export async function renderCertificate(c: CertificateContent, mark: StampMark): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(winAnsiText(c.title));
  doc.setAuthor(winAnsiText(c.doctor.name));
  doc.setCreator(winAnsiText(c.institution));
  doc.setProducer('medproof');
  // The issue time, not the render time: the file says when it was issued.
  doc.setCreationDate(new Date(c.issuedAt * 1000));
  doc.setModificationDate(new Date(c.issuedAt * 1000));
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const width = A4.width - 2 * MARGIN;

  let page: PDFPage = doc.addPage([A4.width, A4.height]);
  let y = A4.height - MARGIN;
  const letterhead = () => {
    page.drawText(winAnsiText(c.institution), { x: MARGIN, y: y - 18, size: 18, font: bold });
    y -= 28;
    page.drawLine({
      start: { x: MARGIN, y },
      end: { x: A4.width - MARGIN, y },
      thickness: 1,
      color: GREY,
    });
    y -= 24;
  };
  letterhead();
  /** Writes wrapped text, starting a new page (with its letterhead) when the foot is reached. */
  const write = (text: string, font: PDFFont, size: number, gap = 4) => {
    for (const line of wrapText(winAnsiText(text), font, size, width)) {
      if (y - size < FOOT) {
        page = doc.addPage([A4.width, A4.height]);
        y = A4.height - MARGIN;
        letterhead();
      }
      page.drawText(line, { x: MARGIN, y: y - size, size, font });
      y -= size + gap;
    }
  };

  write(c.title, bold, 16);
  y -= 10;
  write(`Patient: ${c.patient.name}`, regular, 11);
  write(`Patient id: ${c.patient.maskedId}`, regular, 11);
  write(`Date of issue: ${longDate(ymdOf(c.issuedAt))}`, regular, 11);
  if (c.kind === 'sick-leave' && c.from && c.to)
    write(`Rest advised: ${longDate(c.from)} to ${longDate(c.to)}`, regular, 11);
  if (c.kind === 'fitness' && c.from) write(`Fit from: ${longDate(c.from)}`, regular, 11);
  y -= 14;
  const said = statement(c);
  if (said) {
    write(said, regular, 11);
    y -= 8;
  }
  write(c.text, regular, 11);
  y -= 30;
  write(c.doctor.name, bold, 12);
  write(
    c.doctor.registrationNumber
      ? `Registration number: ${c.doctor.registrationNumber}`
      : 'Registration number: not recorded',
    regular,
    11,
  );
  write(
    'Issued electronically and recorded on a blockchain: the stamp below lets anyone check it.',
    regular,
    9,
  );

  const result = await stampDocument(doc, mark);
  if (!result.stamped) throw new Error(`a rendered certificate could not be stamped (${result.reason})`);
  return result.bytes;
}
