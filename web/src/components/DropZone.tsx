import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { size } from '../lib/format.js';

interface DropZoneProps {
  label: string;
  accept?: string;
  file: File | undefined;
  onFile: (file: File | undefined) => void;
  hint?: string;
  /** The largest file accepted, in bytes: shown beside the field, and a larger one is refused when chosen. */
  maxBytes?: number;
  /** An error about this field (from the form or the server), shown beside it. */
  error?: string | undefined;
}

/**
 * Drop a file here or choose one: a real file input (keyboard and screen readers use it as usual)
 * inside a large drop target for drag and drop. A file over `maxBytes` is refused the moment it is
 * chosen, so nobody waits for an upload the server would refuse.
 */
export function DropZone({ label, accept, file, onFile, hint, maxBytes, error }: DropZoneProps) {
  const id = useId();
  const [over, setOver] = useState(false);
  const [refused, setRefused] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  // Cleared by the form (after issuing, say): the input must not go on naming the old file.
  useEffect(() => {
    if (!file && !refused && input.current) input.current.value = '';
  }, [file, refused]);
  const take = (f: File | undefined) => {
    if (f && maxBytes !== undefined && f.size > maxBytes) {
      setRefused(
        `${f.name} is ${size(f.size)}: larger than the limit of ${size(maxBytes)}. Choose a smaller file.`,
      );
      onFile(undefined);
      return;
    }
    setRefused(undefined);
    onFile(f);
  };
  const shownError = refused ?? error;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div
      class={`dropzone${over ? ' dropzone--over' : ''}${shownError ? ' dropzone--error' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const f = e.dataTransfer?.files[0];
        if (f) take(f);
      }}
    >
      <label for={id}>{label}</label>
      <input
        ref={input}
        id={id}
        type="file"
        accept={accept}
        aria-describedby={shownError ? `${hintId} ${errorId}` : hintId}
        {...(shownError ? { 'aria-invalid': true } : {})}
        onChange={(e) => take(e.currentTarget.files?.[0])}
      />
      <p class="dropzone__hint" id={hintId}>
        {file ? `Chosen: ${file.name} (${size(file.size)})` : (hint ?? 'or drag and drop a file here')}
        {maxBytes !== undefined && <span class="dropzone__limit"> Largest file: {size(maxBytes)}.</span>}
      </p>
      {shownError && (
        <p class="field__error" id={errorId} role="alert">
          {shownError}
        </p>
      )}
    </div>
  );
}
