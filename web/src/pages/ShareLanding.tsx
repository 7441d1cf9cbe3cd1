import { api, ApiError, download, fetchFile } from '../api/client.js';
import type { Me, ShareView } from '../api/types.js';
import { ActionError } from '../components/ActionError.js';
import { Notice } from '../components/Field.js';
import { VerdictCard, VerdictRegion } from '../components/Verdict.js';
import { date, docTypeLabel, issuerLine, size } from '../lib/format.js';
import { useAction } from '../lib/useAction.js';
import { useLoad } from '../lib/useLoad.js';
import { usePageTitle } from '../lib/usePageTitle.js';
import { verifyInBrowser, type BrowserVerification } from '../lib/verifyInBrowser.js';
import { SignIn } from './SignIn.js';

const EXPLAIN: Record<string, string> = {
  NOT_FOUND: 'This link does not exist, or the patient has revoked it.',
  SHARE_EXPIRED: 'This link has expired. Ask the patient for a new one.',
  SHARE_USED_UP: 'This link has been opened as often as the patient allowed.',
  SHARE_TOKEN_INVALID: 'This link is not valid: check that it was copied completely.',
};

/**
 * The share's receipt checked in this browser against the chain. The fingerprint is the one the
 * portal lists for the file; the receipt must commit to it and the chain must hold the receipt's root.
 * Not yet anchored (no receipt yet) is PENDING.
 */
async function verifyShare(token: string, docHash: `0x${string}`): Promise<BrowserVerification> {
  let receipt: unknown;
  try {
    receipt = await api<unknown>('GET', `/api/shares/${token}/receipt`);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'ANCHOR_PENDING')
      return {
        verdict: 'PENDING',
        code: 'ANCHOR_PENDING',
        message: e.message,
        docHash,
        checks: [],
        source: 'portal',
      };
    throw e;
  }
  return verifyInBrowser(docHash, [receipt]);
}

/** What someone holding a share link sees: the document, its verification from the chain, the file and receipt. */
export function ShareLanding({
  token,
  me,
  onSignedIn,
}: {
  token: string;
  me: Me | null;
  onSignedIn: (me: Me) => void;
}) {
  usePageTitle('Shared document');
  const view = useLoad(async () => {
    try {
      return { ok: true as const, data: await api<ShareView>('GET', `/api/shares/${token}`) };
    } catch (e) {
      if (e instanceof ApiError) return { ok: false as const, error: e };
      throw e;
    }
  }, [token, me?.user.id]);
  // The verdict is this browser's, from the chain: the portal hands out the details and the receipt only.
  const docHash = view.data?.ok ? (view.data.data.document.docHash as `0x${string}`) : undefined;
  const checked = useLoad(async () => (docHash ? verifyShare(token, docHash) : undefined), [token, docHash]);
  // View, download and receipt share one error line: they sit side by side and fetch the same link.
  const [act, acting] = useAction(async (what: 'open' | 'content' | 'receipt', name: string) => {
    if (what === 'open') {
      const res = await fetchFile(`/api/shares/${token}/content`);
      window.open(URL.createObjectURL(await res.blob()), '_blank', 'noopener');
    } else await download(`/api/shares/${token}/${what}`, name);
  }, 'the file could not be fetched');

  if (!view.data) return <p aria-busy="true">{view.error ?? 'Loading…'}</p>;
  if (!view.data.ok) {
    const e = view.data.error;
    if (e.code === 'AUTH_REQUIRED')
      return <SignIn onSignedIn={onSignedIn} title="This document was shared with a named doctor: sign in" />;
    return (
      <section class="card narrow">
        <h1>Shared document</h1>
        <Notice>{EXPLAIN[e.code] ?? e.message}</Notice>
      </section>
    );
  }
  const { document: d, share } = view.data.data;
  const v = checked.data;
  return (
    <div class="page">
      <h1 class="wrap">{d.title}</h1>
      <dl class="facts">
        {d.patientName && (
          <>
            <dt>Patient</dt>
            <dd class="wrap" data-patient-name>
              {d.patientName}
            </dd>
          </>
        )}
        <dt>Type</dt>
        <dd>{docTypeLabel(d.docType)}</dd>
        <dt>Issued by</dt>
        <dd class="wrap" data-issuer-source={v?.issuerIdentity ? 'receipt' : 'portal'}>
          {v?.issuerIdentity ? (
            // From the receipt's profile, which the registry's commitment vouches for: not the portal's word.
            issuerLine(v.issuerIdentity)
          ) : (
            <>
              {d.issuer.name}
              {d.issuer.registrationNumber ? ` (registration ${d.issuer.registrationNumber})` : ''}
              <span class="muted"> (as this portal lists it)</span>
            </>
          )}
        </dd>
        <dt>Issued on</dt>
        <dd>{date(d.issuedAt * 1000)}</dd>
        <dt>File</dt>
        <dd class="wrap">
          {d.fileName} ({size(d.size)})
        </dd>
        {share.recipientName && (
          <>
            <dt>Shared with</dt>
            <dd>{share.recipientName}</dd>
          </>
        )}
      </dl>
      <VerdictRegion>
        {v ? (
          <VerdictCard v={v} source={v.source} checkedAt={v.checkedAt} />
        ) : (
          <p aria-busy={checked.error ? undefined : 'true'}>
            {checked.error ?? 'Checking against the blockchain…'}
          </p>
        )}
      </VerdictRegion>
      <div class="actions">
        <button type="button" disabled={acting.busy} onClick={() => void act('open', d.fileName)}>
          View document
        </button>
        <button type="button" disabled={acting.busy} onClick={() => void act('content', d.fileName)}>
          Download document
        </button>
        {v && v.verdict !== 'PENDING' && (
          <button
            type="button"
            disabled={acting.busy}
            onClick={() => void act('receipt', `${d.fileName}.receipt.json`)}
          >
            Proof file (for verifiers)
          </button>
        )}
        <ActionError state={acting} />
      </div>
      <p class="muted">
        The proof file lets anyone check this document against the blockchain without this portal, on the
        verify page or with <code class="wrap">medproof verify FILE --receipt PROOF-FILE --rpc URL</code>.
      </p>
    </div>
  );
}
