import { rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import type { StampMark } from './StampMark.js';

export interface StampFonts {
  readonly regular: PDFFont;
  readonly bold: PDFFont;
  readonly mono: PDFFont;
}

/** The stamp's size in points at full scale: a 2.3 cm QR code beside three lines of text. */
export const STAMP_WIDTH = 236;
export const STAMP_HEIGHT = 70;
const MARGIN = 12;
const QR_BOX = 66;

/**
 * Draws the verification stamp in the page's bottom-right corner, inside its crop box: a white box
 * (so the QR keeps its quiet zone over any background), the QR code as vector squares (sharp at any
 * print resolution), "Verify this document", the verify address and the typed code. Scaled down on a
 * page too narrow for it, never up.
 */
export function drawStamp(page: PDFPage, fonts: StampFonts, mark: StampMark): void {
  const box = page.getCropBox();
  const scale = Math.min(1, (box.width - 2 * MARGIN) / STAMP_WIDTH, (box.height - 2 * MARGIN) / STAMP_HEIGHT);
  const w = STAMP_WIDTH * scale;
  const h = STAMP_HEIGHT * scale;
  const x = box.x + box.width - MARGIN * scale - w;
  const y = box.y + MARGIN * scale;
  page.drawRectangle({
    x,
    y,
    width: w,
    height: h,
    color: rgb(1, 1, 1),
    borderColor: rgb(0.55, 0.55, 0.55),
    borderWidth: 0.5 * scale,
  });

  // Error correction M (15%): survives a crease or a smudge at a size that still scans from a phone.
  const qr = QRCode.create(mark.url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  // Four modules of quiet zone on every side, as the QR standard asks.
  const module = ((QR_BOX - 4) * scale) / (n + 8);
  const qx = x + 2 * scale + 4 * module;
  const qy = y + (h - (n + 8) * module) / 2 + 4 * module;
  const black = rgb(0, 0, 0);
  for (let row = 0; row < n; row++) {
    // One rectangle per run of dark modules: fewer operators, no hairline gaps between squares.
    let col = 0;
    while (col < n) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && qr.modules.get(row, col)) col++;
      page.drawRectangle({
        x: qx + start * module,
        y: qy + (n - 1 - row) * module,
        width: (col - start) * module,
        height: module,
        color: black,
      });
    }
  }

  const tx = x + QR_BOX * scale + 4 * scale;
  const textWidth = w - (tx - x) - 6 * scale;
  const line = (text: string, font: PDFFont, size: number, top: number) => {
    let s = size * scale;
    // Shrink a long address to fit rather than run over the box's edge.
    while (s > 3 && font.widthOfTextAtSize(text, s) > textWidth) s -= 0.25;
    page.drawText(text, { x: tx, y: y + h - top * scale, size: s, font, color: black });
  };
  line('Verify this document', fonts.bold, 8.5, 15);
  line('Scan the code, or open', fonts.regular, 7, 27);
  line(mark.verifyAddress, fonts.regular, 7, 37);
  line('and enter the code:', fonts.regular, 7, 47);
  line(mark.code, fonts.mono, 7.5, 60);
}
