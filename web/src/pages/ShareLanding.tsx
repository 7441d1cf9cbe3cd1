import { useState } from 'preact/hooks';
import { api, ApiError, describeError, download } from '../api/client.js';
import type { Me, ShareView } from '../api/types.js';
import { Notice } from '../components/Field.js';
import { VerdictCard } from '../components/Verdict.js';
import { date, docTypeLabel, size } from '../lib/format.js';
import { useLoad } from '../lib/useLoad.js';
import { SignIn } from './SignIn.js';

const EXPLAIN: Record<string, string> = {
  NOT_FOUND: 'This link does not exist, or the patient has revoked it.',
  SHARE_EXPIRED: 'This link has expired. Ask the patient for a new one.',
  SHARE_USED_UP: 'This link has been opened as often as the patient allowed.',
  SHARE_TOKEN_INVALID: 'This link is not valid: check that it was copied completely.',
};

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
  const view = useLoad(async () => {
    try {
      return { ok: true as const, data: await api<ShareView>('GET', `/api/shares/${token}`) };
    } catch (e) {
      if (e instanceof ApiError) return { ok: false as const, error: e };
      throw e;
    }
  }, [token, me?.user.id]);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();

  const act = async (what: 'open' | 'content' | 'receipt', name: string) => {
    setBusy(what);
    setError(undefined);
    try {
      if (what === 'open') {
        const res = await fetch(`/api/shares/${token}/content`, { credentials: 'same-origin' });
        if (!res.ok) throw new ApiError(res.status, 'HTTP', 'the file could not be opened');
        window.open(URL.createObjectURL(await res.blob()), '_blank', 'noopener');
      } else await download(`/api/shares/${token}/${what}`, name);
    } catch (e) {
      setError(describeError(e, 'that did not work').message);
    } finally {
      setBusy(undefined);
    }
  };

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
  const { document: d, verification: v, share } = view.data.data;
  return (
    <div class="page">
      <h1 class="wrap">{d.title}</h1>
      <dl class="facts">
        <dt>Type</dt>
        <dd>{docTypeLabel(d.docType)}</dd>
        <dt>Issued by</dt>
        <dd class="wrap">
          {d.issuer.name}
          {d.issuer.registrationNumber ? ` (registration ${d.issuer.registrationNumber})` : ''}
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
      <VerdictCard v={{ ...v, issuerName: d.issuer.name }} />
      <div class="actions">
        <button type="button" disabled={Boolean(busy)} onClick={() => void act('open', d.fileName)}>
          View document
        </button>
        <button type="button" disabled={Boolean(busy)} onClick={() => void act('content', d.fileName)}>
          Download document
        </button>
        {v.verdict !== 'PENDING' && (
          <button
            type="button"
            disabled={Boolean(busy)}
            onClick={() => void act('receipt', `${d.fileName}.receipt.json`)}
          >
            Download receipt
          </button>
        )}
      </div>
      {error && <Notice>{error}</Notice>}
      <p class="muted">
        The receipt lets anyone check this document against the blockchain without this portal:{' '}
        <code>medproof verify FILE --receipt RECEIPT --rpc URL</code>.
      </p>
    </div>
  );
}
