import http from 'node:http';
import https from 'node:https';

interface Pending {
  readonly method: string;
  readonly params: readonly unknown[];
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface RpcReply {
  readonly id?: number;
  readonly result?: unknown;
  readonly error?: { readonly code?: number; readonly message?: string };
}

/** A JSON-RPC call over one endpoint: calls made in the same tick go out as one batch request. */
export type JsonRpcCall = (method: string, params: readonly unknown[]) => Promise<unknown>;

/** POSTs `body` and resolves the response text; a non-2xx status, a socket error or the timeout rejects. */
function post(url: URL, body: string, timeoutMs: number): Promise<string> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) reject(new Error(`HTTP ${status} from the chain endpoint`));
          else resolve(text);
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`the chain endpoint did not answer within ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A minimal JSON-RPC client over node:http for a verifier: no retries, one request per tick's worth of
 * calls (a verifier's parallel reads are one round trip, as with viem's batching transport). It loads
 * nothing but node:http, which is why the CLI's verify uses it instead of viem's client.
 */
export function jsonRpcBatch(rpcUrl: string, o: { timeoutMs?: number } = {}): JsonRpcCall {
  const parsed = URL.canParse(rpcUrl) ? new URL(rpcUrl) : undefined;
  // Not thrown here: for a verifier an unusable endpoint is "could not check", reported by each call.
  const url = parsed?.protocol === 'http:' || parsed?.protocol === 'https:' ? parsed : undefined;
  const timeoutMs = o.timeoutMs ?? 10_000;
  let queue: Pending[] = [];
  let nextId = 1;

  async function flush(): Promise<void> {
    const batch = queue;
    queue = [];
    const firstId = nextId;
    nextId += batch.length;
    const requests = batch.map((p, i) => ({
      jsonrpc: '2.0',
      id: firstId + i,
      method: p.method,
      params: p.params,
    }));
    try {
      if (!url) throw new Error(`not an http(s) JSON-RPC URL: ${rpcUrl}`);
      const text = await post(url, JSON.stringify(requests.length === 1 ? requests[0] : requests), timeoutMs);
      const parsed = JSON.parse(text) as RpcReply | RpcReply[];
      const replies = new Map((Array.isArray(parsed) ? parsed : [parsed]).map((r) => [r.id, r]));
      batch.forEach((p, i) => {
        const reply = replies.get(firstId + i);
        if (!reply) p.reject(new Error(`the chain endpoint did not answer ${p.method}`));
        else if (reply.error) p.reject(new Error(`${p.method}: ${reply.error.message ?? 'error'}`));
        else p.resolve(reply.result);
      });
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      for (const p of batch) p.reject(e);
    }
  }

  return (method, params) =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) queueMicrotask(() => void flush());
      queue.push({ method, params, resolve, reject });
    });
}
