import { useId, useState } from 'preact/hooks';
import { size } from '../lib/format.js';

interface DropZoneProps {
  label: string;
  accept?: string;
  file: File | undefined;
  onFile: (file: File | undefined) => void;
  hint?: string;
}

/**
 * Drop a file here or choose one: a real file input (keyboard and screen readers use it as usual)
 * inside a large drop target for drag and drop.
 */
export function DropZone({ label, accept, file, onFile, hint }: DropZoneProps) {
  const id = useId();
  const [over, setOver] = useState(false);
  return (
    <div
      class={`dropzone${over ? ' dropzone--over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const f = e.dataTransfer?.files[0];
        if (f) onFile(f);
      }}
    >
      <label for={id}>{label}</label>
      <input id={id} type="file" accept={accept} onChange={(e) => onFile(e.currentTarget.files?.[0])} />
      <p class="dropzone__hint">
        {file ? `${file.name} (${size(file.size)})` : (hint ?? 'or drag and drop a file here')}
      </p>
    </div>
  );
}
