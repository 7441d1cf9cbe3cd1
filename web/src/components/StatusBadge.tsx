import type { DocumentView } from '../api/types.js';

/** Who reads the status: the patient ("your doctor") or the doctor who issued it ("you"). */
export type Audience = 'patient' | 'doctor';

/** A document's status in words its reader understands; the block and transaction are in its Details. */
export function statusWords(doc: DocumentView, audience: Audience): string {
  if (doc.status === 'revoked') {
    if (doc.revocation?.reasonName === 'superseded') return 'Replaced by a newer version';
    return audience === 'patient' ? 'Withdrawn by your doctor' : 'Withdrawn';
  }
  if (doc.status === 'anchored') return 'Ready to share';
  if (doc.status === 'failed') return 'Delayed: the portal’s team has been told';
  return 'Being secured';
}

const TONE: Record<DocumentView['status'], string> = {
  anchored: 'ok',
  pending: 'wait',
  failed: 'bad',
  revoked: 'bad',
};

/** The status as a badge: words, not colour alone. */
export function StatusBadge({ doc, audience }: { doc: DocumentView; audience: Audience }) {
  return (
    <span class={`badge badge--${TONE[doc.status]}`} data-status={doc.status}>
      {statusWords(doc, audience)}
    </span>
  );
}
