import { useCallback, useRef } from 'preact/hooks';
import { ApiError, newIdempotencyKey } from '../api/client.js';

/**
 * An issuing form's Idempotency-Key: the request that got no answer keeps its key, and sending the
 * same thing again (same `sameness`) reuses it, so a 201 lost to the network is not a second document.
 * Only a request whose fate is unknown keeps it (no answer, a proxy's or server's 5xx, the first
 * attempt still running); a refusal (4xx) was final, and correcting it is a new request.
 */
export function useIdempotencyKey(): <T>(sameness: string, send: (key: string) => Promise<T>) => Promise<T> {
  const pending = useRef<{ sameness: string; key: string }>();
  return useCallback(async <T>(sameness: string, send: (key: string) => Promise<T>): Promise<T> => {
    const key = pending.current?.sameness === sameness ? pending.current.key : newIdempotencyKey();
    pending.current = { sameness, key };
    try {
      const answer = await send(key);
      pending.current = undefined;
      return answer;
    } catch (error) {
      const unknown =
        error instanceof ApiError &&
        (error.status === 0 || error.status >= 500 || error.code === 'IDEMPOTENCY_KEY_IN_FLIGHT');
      if (!unknown) pending.current = undefined;
      throw error;
    }
  }, []);
}
