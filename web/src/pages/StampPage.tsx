import { useEffect, useRef, useState } from 'preact/hooks';
import {
  isStampId,
  isStampSecret,
  openStampPayload,
  parseStampCode,
  stampPath,
  type StampEnvelope,
} from '../../../src/core/index.js';
import type { StampPayload } from '../../../src/api/index.js';
import { api, ApiError } from '../api/client.js';
import type { Verification } from '../api/types.js';
import { Field, Notice } from '../components/Field.js';
import { VerdictCard } from '../components/Verdict.js';
import { docTypeLabel } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { verifyInBrowser, type BrowserVerification } from '../lib/verifyInBrowser.js';

/** `2026-12-01` as the reader's locale writes a date, without a time zone shifting the day. */
const calendar = (ymd: string) =>
  new Date(`${ymd}T12:00:00Z`).toLocaleDateString(undefined, { dateStyle: 'long', timeZone: 'UTC' });
const issueDate = (unixSeconds: number) =>
  new Date(unixSeconds * 1000).toLocaleDateString(undefined, { dateStyle: 'long' });

type Loaded =
  | { state: 'loading' }
  | { state: 'not-found' }
  | { state: 'wrong-secret' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; payload: StampPayload };

/**
 * The page a stamp's QR code opens: `/v/<id>#<secret>`. The portal is asked for the id only and
 * answers ciphertext; the secret stays in this browser (a URL fragment is never sent) and decrypts the
 * summary and receipt with WebCrypto; the verdict is computed here against the chain. Without a
 * secret (`/v`, or a QR that was cut), the code printed beside the QR can be typed in.
 */
export function StampPage({ path }: { path: string }) {
  const stampId = path.slice('/v/'.length);
  // The router follows the path only; a changed fragment is another code, so it is followed here.
  const [secret, setSecret] = useState(location.hash.slice(1));
  useEffect(() => {
    const update = () => setSecret(location.hash.slice(1));
    update();
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, [path]);
  if (!isStampId(stampId) || !isStampSecret(secret)) return <CodeEntry />;
  return <StampView key={`${stampId}#${secret}`} stampId={stampId} secret={secret} />;
}

function CodeEntry() {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string>();
  useEffect(() => {
    document.title = 'Check a printed document · medproof';
  }, []);
  return (
    <div class="page">
      <h1>Check a printed document</h1>
      <p>Scan the QR code on the document with your phone’s camera, or type the code printed beside it.</p>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          const code = parseStampCode(typed);
          if (!code) {
            setError('This is not a complete code: it has 25 letters and digits, in five groups.');
            return;
          }
          setError(undefined);
          navigate(stampPath(code));
        }}
      >
        <Field label="Verification code" hint="For example ABCDE-FGHJK-MNPQR-STVWX-YZ012" error={error}>
          {(p) => (
            <input
              {...p}
              autocomplete="off"
              autocapitalize="characters"
              spellcheck={false}
              value={typed}
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit">Check</button>
      </form>
    </div>
  );
}

function StampView({ stampId, secret }: { stampId: string; secret: string }) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [verdict, setVerdict] = useState<BrowserVerification>();
  const verdictRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.title = 'Verify a printed document · medproof';
    let live = true;
    (async () => {
      let envelope: StampEnvelope;
      try {
        envelope = await api<StampEnvelope>('GET', `/api/stamps/${stampId}`);
      } catch (e) {
        if (live)
          setLoaded(
            e instanceof ApiError && e.status === 404
              ? { state: 'not-found' }
              : { state: 'failed', message: e instanceof Error ? e.message : String(e) },
          );
        return;
      }
      const payload = (await openStampPayload(stampId, secret, envelope)) as StampPayload | undefined;
      if (!live) return;
      if (!payload) return setLoaded({ state: 'wrong-secret' });
      setLoaded({ state: 'ready', payload });
      const v: BrowserVerification = payload.receipt
        ? await verifyInBrowser(payload.docHash as `0x${string}`, [payload.receipt])
        : { ...pendingVerdict(payload), source: 'portal' as const };
      if (live) setVerdict(v);
    })().catch((e: unknown) => {
      if (live) setLoaded({ state: 'failed', message: e instanceof Error ? e.message : String(e) });
    });
    return () => {
      live = false;
    };
  }, [stampId, secret]);

  // The verdict takes focus when it arrives, so a screen reader says it and a phone shows it.
  useEffect(() => {
    const heading = verdict ? verdictRef.current?.querySelector<HTMLElement>('h2') : undefined;
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus();
  }, [verdict]);

  return (
    <div class="page">
      <h1>Verify a printed document</h1>
      {loaded.state === 'loading' && <p aria-busy="true">Looking up the code…</p>}
      {loaded.state === 'not-found' && (
        <Notice>
          No document carries this code. Check that the code was typed exactly as printed; a forged paper
          would show this too.
        </Notice>
      )}
      {loaded.state === 'wrong-secret' && (
        <Notice>
          The code does not match this document’s record: part of it is missing or mistyped. Scan the QR code
          again, or type the whole code printed beside it.
        </Notice>
      )}
      {loaded.state === 'failed' && (
        <Notice>
          Could not look up the code ({loaded.message}). This says nothing about the document: try again.
        </Notice>
      )}
      {loaded.state === 'ready' && <Summary payload={loaded.payload} />}
      <div aria-live="polite" ref={verdictRef}>
        {loaded.state === 'ready' && !verdict && <p aria-busy="true">Checking the blockchain…</p>}
        {verdict && <VerdictCard v={verdict} checkedAt={verdict.checkedAt} />}
      </div>
      {verdict && (
        <p class="muted">
          The verdict is the blockchain’s, checked by this browser. It shows that the document with this
          record was issued and is still in force; compare the details above with the paper. To check a file
          byte for byte, open it on <a href="/verify">Verify a document</a>.
        </p>
      )}
    </div>
  );
}

/** A document not anchored yet (or whose batch failed): no receipt to check, said plainly. */
function pendingVerdict(p: StampPayload): Verification {
  return {
    verdict: 'PENDING',
    code: 'ANCHOR_PENDING',
    message: 'issued, waiting to be recorded on the chain',
    docHash: p.docHash,
    checks: [],
  };
}

function Summary({ payload }: { payload: StampPayload }) {
  const s = payload.summary;
  const c = s.certificate;
  return (
    <section class="card" aria-labelledby="summary-title">
      <h2 id="summary-title">{s.title}</h2>
      <p class="muted">What the issuing portal recorded for this code: compare it with the paper.</p>
      <dl class="facts">
        <dt>Type</dt>
        <dd>{docTypeLabel(s.docType)}</dd>
        <dt>Issued on</dt>
        <dd>{issueDate(s.issuedAt)}</dd>
        <dt>Doctor</dt>
        <dd>
          {s.doctor.name}
          {s.doctor.registrationNumber ? `, registration ${s.doctor.registrationNumber}` : ''}
        </dd>
        <dt>Institution</dt>
        <dd>{s.institution}</dd>
        <dt>Patient</dt>
        <dd>
          {s.patient.initials} · {s.patient.maskedId}
        </dd>
        {c?.kind === 'sick-leave' && c.from && c.to && (
          <>
            <dt>Sick leave</dt>
            <dd>
              {calendar(c.from)} to {calendar(c.to)}
            </dd>
          </>
        )}
        {c?.kind === 'fitness' && c.from && (
          <>
            <dt>Fit from</dt>
            <dd>{calendar(c.from)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
