import type { Verification } from '../api/types.js';
import { dateTime } from '../lib/format.js';

/** The verdict in words anyone understands; the technical details one click away. */
export const PLAIN: Record<Verification['verdict'], { title: string; text: string }> = {
  VALID: {
    title: 'Authentic',
    text: 'This is the document that was issued, unchanged, and its record is on the blockchain.',
  },
  TAMPERED: {
    title: 'Altered — do not trust this file',
    text: 'This file is not the document that was issued: at least one byte has been changed.',
  },
  NOT_ANCHORED: {
    title: 'No record found',
    text: 'There is no record of this document on the blockchain. It may be forged, or not issued through this system.',
  },
  PENDING: {
    title: 'Issued, not yet recorded',
    text: 'The document was issued and is waiting to be recorded on the blockchain. Check again in a moment.',
  },
  REVOKED: {
    title: 'Revoked by the issuer',
    text: 'The issuing doctor has withdrawn this document. It is no longer valid.',
  },
  UNKNOWN_ISSUER: {
    title: 'Issuer not recognised',
    text: 'The document was not issued by a doctor this system trusts.',
  },
  ERROR: {
    title: 'Could not check',
    text: 'The check could not be completed (the blockchain could not be reached, or the receipt is unreadable). This says nothing about the document: try again later.',
  },
};

export function VerdictCard({ v }: { v: Verification }) {
  const p = PLAIN[v.verdict];
  return (
    <section
      class={`verdict verdict--${v.verdict.toLowerCase()}`}
      aria-labelledby="verdict-title"
      data-verdict={v.verdict}
    >
      <h2 id="verdict-title">{p.title}</h2>
      <p>{p.text}</p>
      {v.verdict === 'VALID' && v.issuerName && <p>Issued by {v.issuerName}.</p>}
      {v.verdict === 'REVOKED' && v.revocation && (
        <p>
          Revoked on {dateTime(v.revocation.revokedAt * 1000)} (reason: {v.revocation.reasonName}).
        </p>
      )}
      <details>
        <summary>Technical details</summary>
        <dl class="facts">
          <dt>Verdict code</dt>
          <dd>
            {v.verdict} ({v.code})
          </dd>
          <dt>File fingerprint (SHA-256)</dt>
          <dd class="mono">{v.docHash}</dd>
          {v.issuer && (
            <>
              <dt>Issuer address</dt>
              <dd class="mono">{v.issuer}</dd>
            </>
          )}
          {v.anchor && (
            <>
              <dt>Recorded</dt>
              <dd>
                block {v.anchor.blockNumber}, {dateTime(v.anchor.anchoredAt * 1000)}
              </dd>
              {v.anchor.txHash && (
                <>
                  <dt>Transaction</dt>
                  <dd class="mono">{v.anchor.txHash}</dd>
                </>
              )}
              <dt>Registry</dt>
              <dd class="mono">
                {v.anchor.registry} (chain {v.anchor.chainId})
              </dd>
              <dt>Merkle root</dt>
              <dd class="mono">{v.anchor.root}</dd>
            </>
          )}
        </dl>
        {v.checks.length > 0 && (
          <table class="checks">
            <caption>Independent checks</caption>
            <thead>
              <tr>
                <th scope="col">Check</th>
                <th scope="col">Result</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {v.checks.map((c) => (
                <tr key={c.check}>
                  <td>{c.check}</td>
                  <td>{c.status}</td>
                  <td>{c.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </section>
  );
}
