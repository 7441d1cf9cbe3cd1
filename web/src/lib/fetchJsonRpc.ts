import type { JsonRpcCall } from '../../../src/core/index.js';

interface RpcReply {
  readonly id?: number;
  readonly result?: unknown;
  readonly error?: { readonly code?: number; readonly message?: string };
}

/**
 * JSON-RPC over fetch, for the browser: the calls made in one tick go out as one batch (a
 * verification's reads are one POST), no cookies (a chain endpoint needs none, and a foreign one must
 * not get ours), no retries. Any failure rejects each call, which the checks report as "could not check".
 */
export function fetchJsonRpc(rpcUrl: string, o: { timeoutMs?: number } = {}): JsonRpcCall {
  const timeoutMs = o.timeoutMs ?? 10_000;
  let queue: {
    method: string;
    params: readonly unknown[];
    resolve(v: unknown): void;
    reject(e: Error): void;
  }[] = [];
  let nextId = 1;

  async function flush(): Promise<void> {
    const batch = queue;
    queue = [];
    const firstId = nextId;
    nextId += batch.length;
    const body = batch.map((p, i) => ({
      jsonrpc: '2.0',
      id: firstId + i,
      method: p.method,
      params: p.params,
    }));
    try {
      const res = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status} from the chain endpoint`);
      const parsed = (await res.json()) as RpcReply | RpcReply[];
      const replies = new Map((Array.isArray(parsed) ? parsed : [parsed]).map((r) => [r.id, r]));
      batch.forEach((p, i) => {
        const reply = replies.get(firstId + i);
        if (!reply) p.reject(new Error(`the chain endpoint did not answer ${p.method}`));
        else if (reply.error) p.reject(new Error(`${p.method}: ${reply.error.message ?? 'error'}`));
        else p.resolve(reply.result);
      });
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      for (const p of batch)
        p.reject(new Error(`the chain endpoint ${rpcUrl} could not be reached: ${e.message}`));
    }
  }

  return (method, params) =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) queueMicrotask(() => void flush());
      queue.push({ method, params, resolve, reject });
    });
}
