import { useState } from 'preact/hooks';
import { parseTrustList, type TrustList } from '../../../src/core/index.js';
import { DropZone } from '../components/DropZone.js';
import { Field } from '../components/Field.js';
import { VerdictCard } from '../components/Verdict.js';
import { DEFAULT_DOH_URL } from '../lib/dohTxtResolver.js';
import { size } from '../lib/format.js';
import { hashOnPage } from './hashOnPage.js';
import { receiptChainId, suggestRpc } from './suggestRpc.js';
import { verifyStandalone, type StandaloneResult } from './verifyStandalone.js';

/** A file's JSON, or its text when it is not JSON (the checks report an unreadable receipt themselves). */
async function readJson(file: File): Promise<unknown> {
  const text = await file.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * The standalone verifier (`medproof verifier-page`): one HTML file, opened from disk, that checks a
 * document and its receipt against a chain endpoint the verifier chooses. No portal: the only requests
 * are JSON-RPC to that endpoint and a DNS-over-HTTPS query for a v2 receipt's institution domain, sent
 * when the button is pressed.
 */
export function StandaloneVerifier() {
  const [file, setFile] = useState<File>();
  const [receiptFile, setReceiptFile] = useState<File>();
  const [trustFile, setTrustFile] = useState<File>();
  const [rpcUrl, setRpcUrl] = useState('');
  const [registry, setRegistry] = useState('');
  const [dohUrl, setDohUrl] = useState(DEFAULT_DOH_URL);
  const [progress, setProgress] = useState<number>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ field?: string; message: string }>();
  const [result, setResult] = useState<StandaloneResult>();

  // A dropped receipt names its chain: prefill that chain's usual endpoint unless one was typed. The
  // receipt is read asynchronously: what was typed meanwhile wins (asked of the current value, not
  // of the one when the receipt was chosen).
  const onReceipt = async (f: File | undefined) => {
    setReceiptFile(f);
    if (!f) return;
    const suggested = suggestRpc(receiptChainId(await readJson(f)));
    if (suggested) setRpcUrl((typed) => (typed.trim() ? typed : suggested));
  };

  const check = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setResult(undefined);
    setProblem(undefined);
    if (!file) return setProblem({ field: 'file', message: 'Choose the document file to check.' });
    if (!receiptFile)
      return setProblem({ field: 'receipt', message: 'Choose the receipt (.json) that came with it.' });
    let url: URL;
    try {
      url = new URL(rpcUrl.trim());
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
    } catch {
      return setProblem({ field: 'rpc', message: 'Type the chain endpoint as an http(s) URL.' });
    }
    let doh: string | undefined;
    if (dohUrl.trim()) {
      try {
        const d = new URL(dohUrl.trim());
        if (d.protocol !== 'https:' && d.protocol !== 'http:') throw new Error('not http');
        doh = d.href;
      } catch {
        return setProblem({
          field: 'doh',
          message: 'Type the DNS-over-HTTPS resolver as an http(s) URL, or leave it empty.',
        });
      }
    }
    const trusted = registry.trim();
    if (trusted && !ADDRESS.test(trusted))
      return setProblem({ field: 'registry', message: 'A registry address is 0x and 40 hex digits.' });
    let trustList: TrustList | undefined;
    if (trustFile) {
      const parsed = parseTrustList(await readJson(trustFile));
      if (!parsed.ok) return setProblem({ field: 'trust', message: parsed.message });
      trustList = parsed.value;
    }
    setBusy(true);
    try {
      const receipt = await readJson(receiptFile);
      const docHash = await hashOnPage(file, (done, total) =>
        setProgress(total > 0 ? Math.round((100 * done) / total) : 100),
      );
      setResult(
        await verifyStandalone({
          docHash,
          receipt,
          rpcUrl: url.href,
          registry: trusted ? (trusted as `0x${string}`) : undefined,
          trustList,
          dohUrl: doh,
        }),
      );
    } catch {
      setProblem({ message: 'The check failed unexpectedly: reload the page and try again.' });
    } finally {
      setBusy(false);
      setProgress(undefined);
    }
  };

  const errorFor = (field: string) => (problem?.field === field ? problem.message : undefined);
  const v = result?.verification;
  const who = v?.issuerIdentity;
  return (
    <div class="page">
      <h1>Verify a medical document</h1>
      <p>
        This page checks a medproof document and its receipt against the blockchain, from this computer. It
        needs no portal: the file never leaves this device, and the only requests go to the chain endpoint
        below and the DNS-over-HTTPS resolver (for the institution's domain).
      </p>
      <form onSubmit={(e) => void check(e)} class="card" noValidate>
        <DropZone label="Document to check" file={file} onFile={setFile} />
        {errorFor('file') && <p class="field__error">{errorFor('file')}</p>}
        <DropZone
          label="Receipt (.json)"
          accept=".json,application/json"
          file={receiptFile}
          onFile={(f) => void onReceipt(f)}
          hint="or drag and drop the receipt here"
        />
        {errorFor('receipt') && <p class="field__error">{errorFor('receipt')}</p>}
        <Field
          label="Chain endpoint (JSON-RPC URL)"
          hint="The receipt's chain suggests one; any endpoint of that chain will do (it must answer browsers)."
          error={errorFor('rpc')}
        >
          {(p) => (
            <input
              {...p}
              type="url"
              inputMode="url"
              placeholder="https://…"
              value={rpcUrl}
              onInput={(e) => setRpcUrl(e.currentTarget.value)}
            />
          )}
        </Field>
        <details>
          <summary>Whom to trust</summary>
          <Field
            label="Registry you trust (optional)"
            hint="The institution's registry address, if you know it. Empty: the receipt's registry is taken as it is."
            error={errorFor('registry')}
          >
            {(p) => (
              <input
                {...p}
                class="mono"
                spellcheck={false}
                placeholder="0x…"
                value={registry}
                onInput={(e) => setRegistry(e.currentTarget.value)}
              />
            )}
          </Field>
          <DropZone
            label="Trust list (optional, .json)"
            accept=".json,application/json"
            file={trustFile}
            onFile={setTrustFile}
            hint="a list of institutions' registries you chose to trust"
          />
          {errorFor('trust') && <p class="field__error">{errorFor('trust')}</p>}
          <Field
            label="DNS-over-HTTPS resolver"
            hint="Asked for the institution's DNS record (its domain names its registry). Empty: the domain is not checked."
            error={errorFor('doh')}
          >
            {(p) => (
              <input
                {...p}
                type="url"
                inputMode="url"
                placeholder="https://…"
                value={dohUrl}
                onInput={(e) => setDohUrl(e.currentTarget.value)}
              />
            )}
          </Field>
        </details>
        {progress !== undefined && (
          <div class="progress">
            <label for="hash-progress">
              Computing the fingerprint: {progress}%{file ? ` of ${size(file.size)}` : ''}
            </label>
            <progress id="hash-progress" max={100} value={progress}>
              {progress}%
            </progress>
          </div>
        )}
        <span class="action-error" role="alert" aria-live="assertive">
          {problem && !problem.field ? problem.message : undefined}
        </span>
        <button type="submit" disabled={busy}>
          Check document
        </button>
      </form>
      {v && result && (
        <>
          <VerdictCard v={{ ...v, checks: [...v.checks] }} checkedAt={result.checkedAt} />
          {who && (
            <p data-issuer-identity>
              Issued by {who.name} ({who.council} {who.registrationNumber}), {who.institution.name} (
              {who.institution.domain}).
            </p>
          )}
        </>
      )}
    </div>
  );
}
