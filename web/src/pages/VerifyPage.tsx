import { useState } from 'preact/hooks';
import { api, describeError } from '../api/client.js';
import type { Verification } from '../api/types.js';
import { DropZone } from '../components/DropZone.js';
import { Notice } from '../components/Field.js';
import { VerdictCard } from '../components/Verdict.js';
import { size, speed } from '../lib/format.js';
import { hashInBrowser } from '../lib/hashInBrowser.js';

/**
 * Verify a document: the file is hashed here, in the browser, and never uploaded; only its fingerprint
 * (and the receipt, if given) is sent, and the answer comes from the blockchain.
 */
export function VerifyPage() {
  const [file, setFile] = useState<File>();
  const [receiptFile, setReceiptFile] = useState<File>();
  const [progress, setProgress] = useState<{ done: number; total: number; bps: number }>();
  const [result, setResult] = useState<Verification>();
  const [error, setError] = useState<string>();

  const check = async (e: Event) => {
    e.preventDefault();
    setResult(undefined);
    setError(undefined);
    if (!file) {
      setError('Choose the document file to check.');
      return;
    }
    try {
      let receipt: unknown;
      if (receiptFile) {
        const text = await receiptFile.text();
        try {
          receipt = JSON.parse(text);
        } catch {
          receipt = text; // the check itself reports it as unreadable
        }
      }
      const started = performance.now();
      const docHash = await hashInBrowser(file, (done, total) =>
        setProgress({ done, total, bps: done / Math.max((performance.now() - started) / 1000, 0.001) }),
      );
      setResult(
        await api<Verification>('POST', '/api/verify', {
          docHash,
          ...(receipt !== undefined ? { receipt } : {}),
        }),
      );
    } catch (err) {
      setError(describeError(err, 'the check failed').message);
    } finally {
      setProgress(undefined);
    }
  };

  const percent = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;
  return (
    <div class="page">
      <h1>Verify a document</h1>
      <p>Check whether a medical report or certificate is authentic. No account is needed.</p>
      <p class="muted">Your file stays on this device: only its fingerprint (SHA-256) is sent.</p>
      <form onSubmit={(e) => void check(e)} class="card">
        <DropZone label="Document to check" file={file} onFile={setFile} />
        <DropZone
          label="Receipt (optional, .json)"
          accept=".json,application/json"
          file={receiptFile}
          onFile={setReceiptFile}
          hint="or drag and drop the receipt here"
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
          </div>
        )}
        {error && <Notice>{error}</Notice>}
        <button type="submit" disabled={Boolean(progress)}>
          Check document
        </button>
      </form>
      {result && <VerdictCard v={result} />}
    </div>
  );
}
