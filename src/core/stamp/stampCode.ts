/**
 * A document's verification code, as printed on its stamp and put in its QR code: a public lookup id
 * (10 Crockford base32 characters, 50 random bits) and a secret (15 characters, 75 random bits). The
 * QR opens `/v/<id>#<secret>`: the fragment never leaves the browser, and without the secret the id
 * opens nothing but ciphertext. People who cannot scan type the whole code (`ABCDE-FGHJK-…`, 25
 * characters in groups of five); Crockford's alphabet has no I, L, O or U, and reading them as 1, 1,
 * 0 and V forgives the usual misreadings.
 */
export interface StampCode {
  readonly stampId: string;
  readonly secret: string;
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const STAMP_ID_LENGTH = 10;
export const STAMP_SECRET_LENGTH = 15;
/** Random bytes {@link stampCodeFromBytes} needs: one per character (5 bits of each are used). */
export const STAMP_CODE_BYTES = STAMP_ID_LENGTH + STAMP_SECRET_LENGTH;

const ID_RE = new RegExp(`^[${ALPHABET}]{${STAMP_ID_LENGTH}}$`);
const SECRET_RE = new RegExp(`^[${ALPHABET}]{${STAMP_SECRET_LENGTH}}$`);

/** A code from random bytes (the caller supplies them: core does no I/O, randomness included). */
export function stampCodeFromBytes(random: Uint8Array): StampCode {
  if (random.length < STAMP_CODE_BYTES) throw new RangeError(`need ${STAMP_CODE_BYTES} random bytes`);
  let text = '';
  for (let i = 0; i < STAMP_CODE_BYTES; i++) text += ALPHABET[random[i]! & 31];
  return { stampId: text.slice(0, STAMP_ID_LENGTH), secret: text.slice(STAMP_ID_LENGTH) };
}

export const isStampId = (id: string): boolean => ID_RE.test(id);
export const isStampSecret = (secret: string): boolean => SECRET_RE.test(secret);

/** `ABCDE-FGHJK-MNPQR-STVWX-YZ012`: id then secret, in groups of five. */
export function formatStampCode(code: StampCode): string {
  return `${code.stampId}${code.secret}`.match(/.{1,5}/g)!.join('-');
}

/**
 * A code as a person typed it: case, spaces and dashes do not matter, and I/L/O/U read as 1/1/0/V
 * (Crockford's rule). Undefined when it is not 25 code characters.
 */
export function parseStampCode(typed: string): StampCode | undefined {
  const clean = typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0')
    .replace(/U/g, 'V');
  if (clean.length !== STAMP_CODE_BYTES) return undefined;
  const code = { stampId: clean.slice(0, STAMP_ID_LENGTH), secret: clean.slice(STAMP_ID_LENGTH) };
  return isStampId(code.stampId) && isStampSecret(code.secret) ? code : undefined;
}

/** The path the QR code opens, relative to the portal: the secret is the fragment. */
export const stampPath = (code: StampCode): string => `/v/${code.stampId}#${code.secret}`;
