import { HttpError } from '../http/HttpError.js';

export type FileKind = 'pdf' | 'png' | 'jpeg' | 'text';

/** Accepted document types: each with its magic bytes, extensions and media type; all three must agree. */
export const FILE_KINDS: Record<
  FileKind,
  { readonly extensions: readonly string[]; readonly mime: string; readonly magic?: readonly number[] }
> = {
  pdf: { extensions: ['.pdf'], mime: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  png: { extensions: ['.png'], mime: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  jpeg: { extensions: ['.jpg', '.jpeg'], mime: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
  text: { extensions: ['.txt'], mime: 'text/plain' },
};

export const HEAD_BYTES = 16;

const unsupported = (message: string) => new HttpError('UNSUPPORTED_FILE_TYPE', message);

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot).toLowerCase();
}

/**
 * Decides a file's kind from its name, declared type and first bytes, or refuses with 415: a `.pdf`
 * that is HTML, an image named `.txt`, a declared type that contradicts the content.
 */
export function classify(fileName: string, declaredMime: string, head: Uint8Array): FileKind {
  const ext = extensionOf(fileName);
  const kind = (Object.keys(FILE_KINDS) as FileKind[]).find((k) => FILE_KINDS[k].extensions.includes(ext));
  if (!kind)
    throw unsupported(
      `only PDF, PNG, JPEG and plain-text (.txt) documents are accepted (got "${ext || 'no extension'}")`,
    );
  const spec = FILE_KINDS[kind];
  const declared = declaredMime.split(';')[0]!.trim().toLowerCase();
  if (declared !== spec.mime && declared !== 'application/octet-stream' && declared !== '') {
    throw unsupported(`the declared type ${declared} does not match a ${ext} file`);
  }
  const binary = (Object.keys(FILE_KINDS) as FileKind[]).find((k) => {
    const magic = FILE_KINDS[k].magic;
    return magic !== undefined && magic.every((b, i) => head[i] === b);
  });
  if (spec.magic ? binary !== kind : binary !== undefined) {
    throw unsupported(
      `the file's content is not ${kind === 'text' ? 'plain text' : kind.toUpperCase()}, whatever its name says`,
    );
  }
  return kind;
}

const MARKUP = /^\s*<(?:!doctype|html|svg|\?xml|script|body|head|iframe|object)\b/i;

/**
 * Plain text must be UTF-8 with no control characters but tab and line breaks, and must not be
 * markup: browsers sniff HTML and SVG, and a stored page is a stored XSS.
 */
export class TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private start = '';

  push(chunk: Uint8Array): void {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      throw unsupported('a .txt document must be UTF-8 text');
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text))
      throw unsupported('a .txt document must not contain control characters');
    if (this.start.length < 256) {
      this.start += text.slice(0, 256);
      if (MARKUP.test(this.start))
        throw unsupported('markup (HTML, SVG, XML) is not accepted as a text document');
    }
  }

  end(): void {
    try {
      this.decoder.decode();
    } catch {
      throw unsupported('a .txt document must be UTF-8 text');
    }
  }
}

// Control characters and those Windows or headers choke on.
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f"<>|*?:]/g;

/** A user's file name made safe to show and to put in Content-Disposition; it never reaches a path. */
export function displayName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(UNSAFE_NAME_CHARS, '_').trim().slice(-200);
  return clean === '' || clean === '.' || clean === '..' ? 'document' : clean;
}

/** `attachment; filename="ascii"; filename*=UTF-8''encoded` (RFC 6266), for any name. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
