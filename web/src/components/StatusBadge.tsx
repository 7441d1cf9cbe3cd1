import type { DocumentView } from '../api/types.js';
import { dateTime } from '../lib/format.js';

/** pending → anchored (block, time) → revoked, in words, not colour alone. */
export function StatusBadge({ doc }: { doc: DocumentView }) {
  if (doc.status === 'revoked') {
    return (
      <span class="badge badge--revoked">
        Revoked{doc.revocation ? ` (${doc.revocation.reasonName})` : ''}
      </span>
    );
  }
  if (doc.status === 'anchored' && doc.anchor) {
    return (
      <span class="badge badge--anchored">
        Anchored in block {doc.anchor.blockNumber}
        {doc.anchor.anchoredAt ? `, ${dateTime(doc.anchor.anchoredAt)}` : ''}
      </span>
    );
  }
  if (doc.status === 'failed')
    return <span class="badge badge--failed">Anchoring failed: the administrators are alerted</span>;
  return <span class="badge badge--pending">Waiting to be anchored</span>;
}
