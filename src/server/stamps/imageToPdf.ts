import { PDFDocument } from 'pdf-lib';
import { unpooled } from './unpooled.js';

/** A4 portrait, in points. */
export const A4 = { width: 595.28, height: 841.89 } as const;
const MARGIN = 36;
/** Room kept clear under the image for the stamp. */
const STAMP_ROOM = 90;

/**
 * A PNG or JPEG on one A4 page (landscape when the image is wider than tall), scaled to fit above
 * the stamp's strip and never enlarged past 1 image pixel per point. Undefined when the image cannot
 * be decoded (a damaged file, or a PNG pdf-lib does not support).
 */
export async function imageToPdf(
  bytes: Uint8Array,
  kind: 'png' | 'jpeg',
  title: string,
): Promise<PDFDocument | undefined> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  let image;
  try {
    const own = unpooled(bytes);
    image = kind === 'png' ? await doc.embedPng(own) : await doc.embedJpg(own);
  } catch {
    return undefined;
  }
  const landscape = image.width > image.height;
  const pw = landscape ? A4.height : A4.width;
  const ph = landscape ? A4.width : A4.height;
  const scale = Math.min(1, (pw - 2 * MARGIN) / image.width, (ph - MARGIN - STAMP_ROOM) / image.height);
  const w = image.width * scale;
  const h = image.height * scale;
  const page = doc.addPage([pw, ph]);
  page.drawImage(image, { x: (pw - w) / 2, y: ph - MARGIN - h, width: w, height: h });
  return doc;
}
