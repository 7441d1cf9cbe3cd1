import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError } from '../api/client.js';
import type { DocumentView } from '../api/types.js';

/** How often the list's change mark is asked for: cheap (not audited), so a few seconds is fine. */
const POLL_MS = 3000;

/**
 * The signed-in user's documents, kept up to date by themselves: the page asks the server's change
 * mark every few seconds and reloads the list (an audited read) only when the mark moved, so a
 * document issued, anchored or revoked elsewhere appears without a reload and the access log is not
 * flooded. The mark is read before the list, so a change between the two shows on the next poll.
 * Polling pauses while the tab is hidden.
 */
export function useLiveDocuments(): {
  data: DocumentView[] | undefined;
  error: string | undefined;
  reload: () => Promise<void>;
} {
  const [data, setData] = useState<DocumentView[]>();
  const [error, setError] = useState<string>();
  const mark = useRef<string>();

  const reload = useCallback(async () => {
    try {
      mark.current = (await api<{ mark: string }>('GET', '/api/documents/changes')).mark;
      setData(await api<DocumentView[]>('GET', '/api/documents'));
      setError(undefined);
    } catch (e) {
      setError(
        describeError(e, 'your documents could not be loaded: this page tries again by itself').message,
      );
    }
  }, []);

  useEffect(() => {
    void reload();
    let busy = false;
    const tick = async () => {
      if (busy || document.hidden) return;
      busy = true;
      try {
        const now = (await api<{ mark: string }>('GET', '/api/documents/changes')).mark;
        if (now !== mark.current) await reload();
      } catch {
        // A missed poll is retried at the next tick; the list on screen stays as it was.
      } finally {
        busy = false;
      }
    };
    const t = setInterval(() => void tick(), POLL_MS);
    return () => clearInterval(t);
  }, [reload]);

  return { data, error, reload };
}
