import type { DocumentView } from '../api/types.js';
import { dateTime, size } from '../lib/format.js';

/** The technical facts of a document (fingerprint, block, transaction), folded away under "Details". */
export function DocumentDetails({ doc: d }: { doc: DocumentView }) {
  return (
    <details class="doc-details">
      <summary>
        Details<span class="visually-hidden"> of {d.title}</span>
      </summary>
      <dl class="facts">
        <dt>File</dt>
        <dd class="wrap">
          {d.fileName} ({size(d.size)})
        </dd>
        <dt>Fingerprint (SHA-256)</dt>
        <dd class="mono">{d.docHash}</dd>
        {d.anchor ? (
          <>
            <dt>Recorded on the blockchain</dt>
            <dd>
              block {d.anchor.blockNumber}
              {d.anchor.anchoredAt ? `, ${dateTime(d.anchor.anchoredAt)}` : ''}
            </dd>
            {d.anchor.txHash && (
              <>
                <dt>Transaction</dt>
                <dd class="mono">{d.anchor.txHash}</dd>
              </>
            )}
          </>
        ) : (
          <>
            <dt>Recorded on the blockchain</dt>
            <dd>not yet</dd>
          </>
        )}
        {d.revocation && (
          <>
            <dt>Withdrawn</dt>
            <dd>
              {dateTime(d.revocation.at)} (reason: {d.revocation.reasonName})
            </dd>
          </>
        )}
      </dl>
    </details>
  );
}
