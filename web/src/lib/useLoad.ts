import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/client.js';

/** Loads data, exposes reload(), and keeps an error message instead of throwing. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[] = [],
): { data: T | undefined; error: string | undefined; reload: () => Promise<void> } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const reload = useCallback(async () => {
    try {
      setData(await load());
      setError(undefined);
    } catch (e) {
      setError(describeError(e, 'could not load').message);
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}

/** Calls `tick` every `ms` while `active`. */
export function usePolling(active: boolean, ms: number, tick: () => unknown): void {
  useEffect(() => {
    if (!active) return;
    const t = setInterval(tick, ms);
    return () => clearInterval(t);
  }, [active, ms, tick]);
}
