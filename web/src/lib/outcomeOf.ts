import type { Verification } from '../api/types.js';

/**
 * What a verification means for the person holding the file: finer than the verdict code, because
 * "the portal has no record" and "the chain has no record" call for different next steps, and so do
 * "withdrawn" and "replaced by a newer version".
 */
export type Outcome =
  | 'authentic'
  | 'pending'
  | 'altered'
  | 'withdrawn'
  | 'replaced'
  | 'unknown-here'
  | 'not-recorded'
  | 'issuer-inactive'
  | 'not-signed'
  | 'not-proof-file'
  | 'could-not-check';

/**
 * Where the receipt came from: the verifier's proof file, the portal's search by fingerprint, or
 * nowhere (the portal has none and none was given, so the chain was not asked at all).
 */
export type ReceiptSource = 'given' | 'portal' | 'none';

export interface OutcomeText {
  readonly outcome: Outcome;
  /** ok: trust it; bad: do not; wait: ask again later; unsure: nothing was decided about the file. */
  readonly tone: 'ok' | 'bad' | 'wait' | 'unsure';
  /** A symbol beside the title, so the outcomes differ in shape as well as colour. */
  readonly mark: string;
  readonly title: string;
  readonly text: string;
  /** What to do next, in one sentence. */
  readonly next: string;
}

const TEXTS: Record<Outcome, Omit<OutcomeText, 'outcome'>> = {
  authentic: {
    tone: 'ok',
    mark: '✓',
    title: 'Authentic',
    text: 'This is the document that was issued, unchanged, and its record is on the blockchain.',
    next: 'You can rely on this file. Check that the name on it is the person in front of you.',
  },
  pending: {
    tone: 'wait',
    mark: '…',
    title: 'Issued, being secured',
    text: 'The document was issued and is waiting to be recorded on the blockchain.',
    next: 'Check again in a few minutes.',
  },
  altered: {
    tone: 'bad',
    mark: '✗',
    title: 'Altered — do not trust this file',
    text: 'This file is not the document that was issued: at least one byte has been changed.',
    next: 'Ask the patient or the issuing doctor for the original file.',
  },
  withdrawn: {
    tone: 'bad',
    mark: '⊘',
    title: 'Withdrawn by the doctor',
    text: 'The issuing doctor has withdrawn this document. It is no longer valid.',
    next: 'Do not rely on it. Ask the patient whether a new document was issued.',
  },
  replaced: {
    tone: 'bad',
    mark: '↻',
    title: 'Replaced by a newer version',
    text: 'The issuing doctor replaced this document with a newer one. This version is no longer valid.',
    next: 'Ask the patient for the newer version and check that one.',
  },
  'unknown-here': {
    tone: 'unsure',
    mark: '?',
    title: 'Not known to this portal',
    text: 'This portal has no document with this fingerprint. Only this portal’s list was searched, not the blockchain.',
    next: 'If you have its proof file, add it to check for changes. Otherwise ask the sender which portal issued it.',
  },
  'not-recorded': {
    tone: 'bad',
    mark: '✗',
    title: 'No record on the blockchain',
    text: 'The proof file points to a record that the blockchain does not hold. The document may be forged.',
    next: 'Ask the issuing doctor or institution to confirm the document.',
  },
  'issuer-inactive': {
    tone: 'bad',
    mark: '!',
    title: 'Issuer not active',
    text: 'The document is recorded, but not by a doctor this system trusted at the time it was issued.',
    next: 'Contact the institution named on the document before relying on it.',
  },
  'not-signed': {
    tone: 'bad',
    mark: '!',
    title: 'Not signed by the doctor',
    text: 'The document names a doctor, but that doctor’s passkey did not sign it: someone else put it on record in their name.',
    next: 'Do not rely on it. Contact the institution named on the document.',
  },
  'not-proof-file': {
    tone: 'unsure',
    mark: '?',
    title: 'That is not a proof file',
    text: 'The file given as the proof file is not one. A proof file is the small .json file offered beside the document as “Proof file (for verifiers)”.',
    next: 'Choose the right proof file, or leave it out to look the document up on this portal.',
  },
  'could-not-check': {
    tone: 'unsure',
    mark: '⚠',
    title: 'Could not check',
    text: 'The check could not be completed. This says nothing about the document, good or bad.',
    next: 'Check your connection and try again later, or try another chain endpoint.',
  },
};

/** The outcome of a verification, given where its receipt came from. */
export function outcomeOf(v: Verification, source: ReceiptSource | undefined): OutcomeText {
  const pick = (o: Outcome): OutcomeText => ({ outcome: o, ...TEXTS[o] });
  switch (v.verdict) {
    case 'VALID':
      return pick('authentic');
    case 'PENDING':
      return pick('pending');
    case 'TAMPERED':
      return pick('altered');
    case 'REVOKED':
      return pick(
        v.code === 'SUPERSEDED' || v.revocation?.reasonName === 'superseded' ? 'replaced' : 'withdrawn',
      );
    case 'NOT_ANCHORED':
      return pick(source === 'none' ? 'unknown-here' : 'not-recorded');
    case 'UNKNOWN_ISSUER':
      return pick(v.code === 'ISSUER_SIGNATURE_INVALID' ? 'not-signed' : 'issuer-inactive');
    case 'ERROR':
      // A receipt the verifier gave that does not even parse: the wrong file, not an outage.
      return pick(
        source === 'given' && (v.code === 'MALFORMED_RECEIPT' || v.code === 'UNSUPPORTED_RECEIPT_VERSION')
          ? 'not-proof-file'
          : 'could-not-check',
      );
  }
}

/** The one outcome that needs no verification at all: the chosen proof file is not JSON. */
export const notProofFile = (): OutcomeText => ({ outcome: 'not-proof-file', ...TEXTS['not-proof-file'] });
