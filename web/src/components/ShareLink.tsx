import { useRef, useState } from 'preact/hooks';
import { download } from '../api/client.js';
import { useAction } from '../lib/useAction.js';
import { ActionError } from './ActionError.js';
import { Field, Notice } from './Field.js';

/**
 * A share link with everything a patient does with it: copy it, send it with the phone's share sheet
 * (Web Share API, where the browser has one), show its QR code to a doctor across the desk, save the
 * QR as an image, or print link and QR. Shown for a new link and for any earlier one, reopened.
 */
export function ShareLink({ id, url, title }: { id: string; url: string; title: string }) {
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const box = useRef<HTMLDivElement>(null);
  const [saveQr, savingQr] = useAction(
    () => download(`/api/shares/${id}/qr.png`, 'medproof-share-qr.png'),
    'the QR image could not be saved: try again',
  );
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setMsg({ kind: 'ok', text: 'Link copied.' });
    } catch {
      setMsg({ kind: 'error', text: 'Copying is not allowed here: select the link and copy it.' });
    }
  };
  const canShare = typeof navigator.share === 'function';
  const share = async () => {
    try {
      await navigator.share({
        title: `Medical document: ${title}`,
        text: `“${title}”, shared with medproof`,
        url,
      });
      setMsg(undefined);
    } catch (e) {
      // Closing the share sheet is not a failure.
      if (e instanceof DOMException && e.name === 'AbortError') return;
      setMsg({ kind: 'error', text: 'The share sheet could not open: copy the link instead.' });
    }
  };
  // Printing shows only this link and its QR (print styles hide the rest of the page while it is marked).
  const print = () => {
    const el = box.current;
    if (!el) return;
    document.body.classList.add('printing-one');
    el.classList.add('print-this');
    const done = () => {
      document.body.classList.remove('printing-one');
      el.classList.remove('print-this');
      removeEventListener('afterprint', done);
    };
    addEventListener('afterprint', done);
    window.print();
    // Where print() returns at once without an afterprint event, the page must not stay marked.
    setTimeout(done, 1000);
  };
  return (
    <div class="share-result" ref={box} data-share-link={id}>
      <Field label="Share link">
        {(p) => <input {...p} readOnly value={url} onFocus={(e) => e.currentTarget.select()} />}
      </Field>
      <img
        src={`/api/shares/${id}/qr.png`}
        alt="QR code of the share link"
        width={200}
        height={200}
        class="share-result__qr"
      />
      <div class="actions no-print">
        <button type="button" onClick={() => void copy()}>
          Copy link
        </button>
        {canShare && (
          <button type="button" onClick={() => void share()}>
            Send…
          </button>
        )}
        <button type="button" disabled={savingQr.busy} onClick={() => void saveQr()}>
          Save QR image
        </button>
        <button type="button" onClick={print}>
          Print
        </button>
      </div>
      <ActionError state={savingQr} />
      {msg && (
        <span class="no-print">
          <Notice kind={msg.kind}>{msg.text}</Notice>
        </span>
      )}
    </div>
  );
}
