import { useRef, useState } from 'preact/hooks';
import { parseReceipt } from '../../../src/core/index.js';
import { api, ApiError } from '../api/client.js';
import { DropZone } from '../components/DropZone.js';
import { ActionError } from '../components/ActionError.js';
import { Field } from '../components/Field.js';
import { NotProofFileCard, VerdictCard, VerdictRegion } from '../components/Verdict.js';
import { size, speed } from '../lib/format.js';
import { HashCancelled, hashInBrowser } from '../lib/hashInBrowser.js';
import { notProofFile } from '../lib/outcomeOf.js';
import { usePageTitle } from '../lib/usePageTitle.js';
import { useAction } from '../lib/useAction.js';
import { verifyInBrowser, type BrowserVerification } from '../lib/verifyInBrowser.js';

/** A chosen proof file, read at once: its parsed receipt, or why it is not one. */
type ProofFile = { file: File; receipt: unknown } | { file: File; notProof: string };

async function readProofFile(file: File): Promise<ProofFile> {
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch {
    return { file, notProof: 'This file is not a proof file: it is not the .json file medproof gives.' };
  }
  const parsed = parseReceipt(value);
  return parsed.ok
    ? { file, receipt: value }
    : { file, notProof: `This file is not a proof file (${parsed.message}).` };
}

type Result = { kind: 'verified'; v: BrowserVerification } | { kind: 'not-proof-file' };

/**
 * Verify a document: the file is hashed here, in the browser (a Web Worker), and never uploaded; the
 * checks run here too, against the chain (the portal's public RPC, or an endpoint the verifier types
 * in). The portal is asked only for the receipt, by fingerprint, when none is given; never for the verdict.
 */
export function VerifyPage() {
  usePageTitle('Verify a document');
  const [file, setFile] = useState<File>();
  const [proof, setProof] = useState<ProofFile>();
  const [progress, setProgress] = useState<{ done: number; total: number; bps: number }>();
  const [result, setResult] = useState<Result>();
  const [endpoint, setEndpoint] = useState('');
  const [dohUrl, setDohUrl] = useState('');
  const [cancelled, setCancelled] = useState(false);
  const abort = useRef<AbortController>();

  const chooseProof = (f: File | undefined) => {
    setResult(undefined);
    setProof(undefined);
    if (f) void readProofFile(f).then(setProof);
  };
  const chooseFile = (f: File | undefined) => {
    setResult(undefined);
    setFile(f);
  };

  const [check, checking] = useAction(async () => {
    setResult(undefined);
    setCancelled(false);
    if (!file) throw new ApiError(0, 'FILE_REQUIRED', 'Choose the document file to check.', 'file');
    if (proof && 'notProof' in proof) {
      setResult({ kind: 'not-proof-file' });
      return;
    }
    const controller = new AbortController();
    abort.current = controller;
    try {
      const started = performance.now();
      const docHash = await hashInBrowser(
        file,
        (done, total) =>
          setProgress({ done, total, bps: done / Math.max((performance.now() - started) / 1000, 0.001) }),
        controller.signal,
      );
      setProgress(undefined);
      const receipts = proof
        ? [proof.receipt]
        : (await api<{ receipts: unknown[] }>('GET', `/api/receipts/by-hash/${docHash}`)).receipts;
      setResult({
        kind: 'verified',
        v: await verifyInBrowser(docHash, receipts, endpoint, Boolean(proof), dohUrl),
      });
    } catch (error) {
      if (error instanceof HashCancelled) {
        setCancelled(true);
        return;
      }
      throw error;
    } finally {
      abort.current = undefined;
      setProgress(undefined);
    }
  }, 'the check failed: try again');
  const submit = (e: Event) => {
    e.preventDefault();
    void check();
  };

  const percent = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;
  return (
    <div class="page">
      <h1>Verify a document</h1>
      <p>Check whether a medical report or certificate is authentic. No account is needed.</p>
      <p class="muted">
        Your file stays on this device: its fingerprint (SHA-256) is computed and checked against the
        blockchain here, in your browser.
      </p>
      <form onSubmit={submit} class="card" noValidate>
        <DropZone
          label="Document to check"
          file={file}
          onFile={chooseFile}
          error={checking.errorFor('file')}
        />
        <DropZone
          label="Proof file (optional, .json)"
          accept=".json,application/json"
          file={proof?.file}
          onFile={chooseProof}
          hint="The proof file is offered beside the document. Without it, this portal is searched for the fingerprint."
          error={proof && 'notProof' in proof ? proof.notProof : undefined}
        />
        {progress && (
          <div class="progress">
            <label for="hash-progress">
              Computing the fingerprint: {percent}% ({size(progress.done)} of {size(progress.total)},{' '}
              {speed(progress.bps)})
            </label>
            <progress id="hash-progress" max={100} value={percent}>
              {percent}%
            </progress>
            <button type="button" class="secondary" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          </div>
        )}
        {cancelled && <p role="status">Cancelled: nothing was checked.</p>}
        <details>
          <summary>Check against another chain endpoint</summary>
          <Field
            label="Chain endpoint (JSON-RPC URL)"
            hint="Any https endpoint of the same chain, or a node on this computer (http://127.0.0.1:…). Empty: this portal’s."
          >
            {(p) => (
              <input
                {...p}
                type="url"
                inputMode="url"
                placeholder="https://…"
                value={endpoint}
                onInput={(e) => setEndpoint(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field
            label="DNS-over-HTTPS resolver"
            hint="Asked for the institution's DNS record, which names its registry. Empty: this portal's choice."
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
        <ActionError state={checking} fields={['file']} />
        <button type="submit" disabled={checking.busy}>
          {checking.busy ? 'Checking…' : 'Check document'}
        </button>
      </form>
      <VerdictRegion>
        {result?.kind === 'verified' && (
          <VerdictCard v={result.v} source={result.v.source} checkedAt={result.v.checkedAt} />
        )}
        {result?.kind === 'not-proof-file' && <NotProofFileCard o={notProofFile()} />}
      </VerdictRegion>
    </div>
  );
}
