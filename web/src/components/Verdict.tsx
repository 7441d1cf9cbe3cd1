import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { sentence } from '../api/client.js';
import type { Verification } from '../api/types.js';
import type { CheckedAt } from '../lib/verifyInBrowser.js';
import { dateTime, issuerLine } from '../lib/format.js';
import { outcomeOf, type OutcomeText, type ReceiptSource } from '../lib/outcomeOf.js';

/**
 * Where a verdict appears. The live region is in the page before any verdict is, so a screen reader
 * announces the verdict when it is filled in (a region inserted together with its text is often not
 * read); the card itself takes focus, so keyboard users land on it after "Check document".
 */
export function VerdictRegion({ children }: { children: ComponentChildren }) {
  return (
    <div class="verdict-region" aria-live="polite" aria-atomic="true">
      {children}
    </div>
  );
}

/** An outcome's title, explanation and next step, focused when it appears or changes. */
function OutcomeCard({
  o,
  verdict,
  children,
}: {
  o: OutcomeText;
  verdict: string;
  children?: ComponentChildren;
}) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [o.outcome, verdict]);
  return (
    <section
      ref={ref}
      tabIndex={-1}
      class={`verdict verdict--${o.tone} verdict--${o.outcome}`}
      aria-labelledby="verdict-title"
      data-verdict={verdict}
      data-outcome={o.outcome}
    >
      <h2 id="verdict-title">
        <span class="verdict__mark" aria-hidden="true">
          {o.mark}
        </span>{' '}
        {o.title}
      </h2>
      <p>{o.text}</p>
      <p class="verdict__next">
        <strong>What to do:</strong> {o.next}
      </p>
      {children}
    </section>
  );
}

/** The chosen proof file is not one: said before anything is asked of the chain. */
export function NotProofFileCard({ o }: { o: OutcomeText }) {
  return <OutcomeCard o={o} verdict="ERROR" />;
}

/**
 * What the institution's DNS says about the registry (a v2 receipt's `institutionDomain` check), when
 * it was asked: "city-hospital.example (DNS-verified)", or why the domain does not vouch for it. Advisory:
 * it never changes the verdict, so it is said beside it.
 */
function InstitutionDomain({ v }: { v: Verification }) {
  const c = v.checks.find((k) => k.check === 'institutionDomain');
  if (!c || c.status === 'SKIPPED') return null;
  return (
    <p class="wrap" data-institution-domain={c.code}>
      {c.status === 'VALID'
        ? `Institution: ${c.message}.`
        : c.code === 'DNS_UNREACHABLE'
          ? `The institution's domain could not be checked: ${c.message}.`
          : `The institution's domain does not vouch for this registry (not verified): ${c.message}.`}
    </p>
  );
}

/**
 * The verdict in words anyone understands, with what to do next; the technical details one click away.
 * `source`: where the receipt came from, which decides what "no record" means. `checkedAt`: the chain
 * endpoint this browser asked, shown so the verifier knows whose word the verdict is.
 */
export function VerdictCard({
  v,
  source,
  checkedAt,
}: {
  v: Verification;
  source?: ReceiptSource | undefined;
  checkedAt?: CheckedAt | undefined;
}) {
  const o = outcomeOf(v, source);
  return (
    <OutcomeCard o={o} verdict={v.verdict}>
      {/* Who issued it: the v2 receipt's profile, once the chain's commitment matched it; never the portal's database. */}
      {v.verdict === 'VALID' && v.issuerIdentity && (
        <p data-issuer="">Issued by {issuerLine(v.issuerIdentity)}.</p>
      )}
      <InstitutionDomain v={v} />
      {/* Who vouches for it: the doctor's own passkey, or (documents without one) only the portal. */}
      {v.verdict === 'VALID' && v.issuerSignature && (
        <p data-signature={v.issuerSignature.signed ? 'signed' : 'unsigned'}>
          {v.issuerSignature.signed
            ? 'Signed by the doctor with their passkey.'
            : `${sentence(v.issuerSignature.message)} The institution vouches for it, not the doctor personally.`}
        </p>
      )}
      {v.verdict === 'REVOKED' && v.revocation && (
        <p>
          {o.outcome === 'replaced' ? 'Replaced' : 'Withdrawn'} on {dateTime(v.revocation.revokedAt * 1000)}.
        </p>
      )}
      {checkedAt && (
        <p class="muted wrap" data-endpoint={checkedAt.url}>
          {checkedAt.chainId !== undefined
            ? `Checked against the chain at ${checkedAt.url} (chain ${checkedAt.chainId}), from this browser.`
            : `Asked the chain at ${checkedAt.url}, from this browser: it did not answer.`}
        </p>
      )}
      <details>
        <summary>Details</summary>
        <dl class="facts">
          <dt>Result code</dt>
          <dd>
            {v.verdict} ({v.code})
          </dd>
          <dt>What was found</dt>
          <dd>{sentence(v.message)}</dd>
          <dt>Fingerprint (SHA-256)</dt>
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
          <>
            <h3>Independent checks</h3>
            <ul class="checks">
              {v.checks.map((c) => (
                <li key={c.check}>
                  <strong>{c.check}</strong>: {c.status.toLowerCase()} — {c.message}
                </li>
              ))}
            </ul>
          </>
        )}
      </details>
    </OutcomeCard>
  );
}
