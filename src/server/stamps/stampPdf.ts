import { PDFDocument, StandardFonts } from 'pdf-lib';
import { unpooled } from './unpooled.js';
import { drawStamp, type StampFonts } from './drawStamp.js';
import type { StampMark } from './StampMark.js';

/** pdf-lib yields to the event loop after this many objects, so a large PDF does not stall the portal. */
const OBJECTS_PER_TICK = 500;

export type StampResult =
  | { readonly stamped: true; readonly bytes: Uint8Array }
  | { readonly stamped: false; readonly reason: 'encrypted' | 'unreadable' | 'no-pages' };

export async function stampFontsOf(doc: PDFDocument): Promise<StampFonts> {
  return {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.CourierBold),
  };
}

/**
 * Adds the verification stamp to every page of a PDF and returns the new file, whose SHA-256 is the
 * one to anchor. A PDF pdf-lib cannot edit faithfully is left as it is, with the reason: an encrypted
 * one (editing would break it or need its password) or one it cannot parse.
 */
export async function stampPdf(bytes: Uint8Array, mark: StampMark): Promise<StampResult> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(unpooled(bytes), {
      updateMetadata: false,
      // A damaged object makes the file "unreadable" (issued unstamped) rather than being guessed at:
      // a rewrite that dropped or misread it would change the document itself.
      throwOnInvalidObject: true,
      parseSpeed: OBJECTS_PER_TICK,
    });
  } catch (error) {
    // pdf-lib's errors are ES5 classes (instanceof EncryptedPDFError is false): known by their words.
    const encrypted = error instanceof Error && /is encrypted/.test(error.message);
    return { stamped: false, reason: encrypted ? 'encrypted' : 'unreadable' };
  }
  return stampDocument(doc, mark);
}

/** Stamps every page of a loaded or newly made document and saves it. */
export async function stampDocument(doc: PDFDocument, mark: StampMark): Promise<StampResult> {
  let pages;
  try {
    pages = doc.getPages();
  } catch {
    return { stamped: false, reason: 'unreadable' };
  }
  if (pages.length === 0) return { stamped: false, reason: 'no-pages' };
  const fonts = await stampFontsOf(doc);
  for (const page of pages) drawStamp(page, fonts, mark);
  return { stamped: true, bytes: await doc.save({ objectsPerTick: OBJECTS_PER_TICK }) };
}
