import type { FileKind } from '../documents/fileTypes.js';
import type { HeldFile } from '../documents/receiveUpload.js';
import { imageToPdf } from './imageToPdf.js';
import { stampDocument, stampPdf } from './stampPdf.js';
import type { StampMark } from './StampMark.js';

/** What is stored for a held upload: the stamped PDF, or the upload as it came with a plain note why not. */
export type StampedUpload =
  | { readonly stamped: true; readonly bytes: Uint8Array; readonly kind: 'pdf'; readonly fileName: string }
  | {
      readonly stamped: false;
      readonly bytes: Uint8Array;
      readonly kind: FileKind;
      readonly fileName: string;
      readonly note: string;
    };

export const NOT_STAMPED = {
  encrypted:
    'This PDF is encrypted or password-protected, so no verification stamp could be added: it was issued exactly as uploaded.',
  unreadable:
    'This file could not be read as a PDF or image, so no verification stamp could be added: it was issued exactly as uploaded.',
  'no-pages': 'This PDF has no pages to stamp: it was issued exactly as uploaded.',
  tooLarge: (mib: number) =>
    `Files over ${mib} MiB are issued without a verification stamp (MEDPROOF_STAMP_MAX_MB): it was issued exactly as uploaded.`,
} as const;

/** `scan.png` → `scan.pdf`: an image is issued inside a PDF. */
const asPdfName = (name: string) => `${name.replace(/\.(png|jpe?g)$/i, '')}.pdf`;

/**
 * Stamps a held upload: a PDF on every page, an image on an A4 page of a new PDF. A file that cannot
 * be stamped is issued unchanged, and the answer says why (the doctor sees the note).
 */
export async function stampUpload(file: HeldFile, mark: StampMark, title: string): Promise<StampedUpload> {
  if (file.kind === 'pdf') {
    const r = await stampPdf(file.bytes, mark);
    return r.stamped
      ? { stamped: true, bytes: r.bytes, kind: 'pdf', fileName: file.fileName }
      : {
          stamped: false,
          bytes: file.bytes,
          kind: 'pdf',
          fileName: file.fileName,
          note: NOT_STAMPED[r.reason],
        };
  }
  const doc = await imageToPdf(file.bytes, file.kind, title);
  const r = doc ? await stampDocument(doc, mark) : undefined;
  return r?.stamped
    ? { stamped: true, bytes: r.bytes, kind: 'pdf', fileName: asPdfName(file.fileName) }
    : {
        stamped: false,
        bytes: file.bytes,
        kind: file.kind,
        fileName: file.fileName,
        note: NOT_STAMPED[r ? r.reason : 'unreadable'],
      };
}
