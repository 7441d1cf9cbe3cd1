import type { FastifyInstance } from 'fastify';
import type { PortalDeps } from '../PortalDeps.js';
import { chainRoutes } from './chainRoutes.js';
import { readOnlyRefusal, RPC_ERRORS, type RpcRefusal } from './readOnlyRefusal.js';

/** Most requests in one batch: a verification needs about five. */
export const MAX_BATCH = 20;
/** Largest body: a batch of twenty reads is a few KiB. */
export const MAX_BODY = 64 * 1024;

type Id = string | number | null;
interface RpcAnswer {
  readonly jsonrpc: '2.0';
  readonly id: Id;
  readonly result?: unknown;
  readonly error?: RpcRefusal;
}

const idOf = (r: unknown): Id => {
  const id = (r as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
};
const fail = (id: Id, code: number, message: string): RpcAnswer => ({
  jsonrpc: '2.0',
  id,
  error: { code, message },
});

/**
 * Sends the allowed requests to the node as one batch, under ids of our own (a client's ids may repeat
 * or be odd types), and answers each in the client's id. Only method and params are passed on.
 */
async function forward(rpcUrl: string, requests: readonly unknown[]): Promise<RpcAnswer[]> {
  const outgoing = requests.map((r, i) => {
    const { method, params } = r as { method: string; params?: unknown[] };
    return { jsonrpc: '2.0', id: i, method, params: params ?? [] };
  });
  type Reply = { id?: unknown; result?: unknown; error?: { code?: number; message?: string } };
  let replies: Reply[];
  try {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(outgoing),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as Reply | Reply[];
    replies = Array.isArray(body) ? body : [body];
  } catch {
    return requests.map((r) => fail(idOf(r), RPC_ERRORS.upstream, 'the chain node did not answer'));
  }
  const byId = new Map(replies.map((r) => [r.id, r]));
  return requests.map((r, i) => {
    const reply = byId.get(i);
    if (!reply) return fail(idOf(r), RPC_ERRORS.upstream, 'the chain node did not answer this request');
    if (reply.error)
      return fail(idOf(r), reply.error.code ?? RPC_ERRORS.upstream, reply.error.message ?? 'error');
    return { jsonrpc: '2.0', id: idOf(r), result: reply.result ?? null };
  });
}

/**
 * POST /rpc: a read-only JSON-RPC proxy to the portal's chain, so a browser can verify against the
 * chain itself when the chain has no public endpoint (the embedded development node listens on
 * 127.0.0.1 only). Public, no cookies, rate-limited per client address. A request off the allowlist
 * ({@link readOnlyRefusal}) is answered here and never reaches the node; errors are JSON-RPC errors
 * with HTTP 200, as JSON-RPC servers answer. Also registers the small public routes a browser
 * verifier needs ({@link chainRoutes}).
 */
export async function rpcRoutes(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  chainRoutes(app, deps);
  // Own context: the body is taken as text so that bad JSON is a JSON-RPC parse error, not a 400.
  await app.register((rpc, _opts, ready) => {
    rpc.removeAllContentTypeParsers();
    rpc.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BODY }, (_req, body, done) =>
      done(null, body),
    );
    rpc.post(
      '/rpc',
      {
        bodyLimit: MAX_BODY,
        schema: {
          tags: ['verify'],
          summary: 'Read-only JSON-RPC proxy to the portal’s chain (allowlisted reads)',
        },
        config: {
          public: true,
          rateLimit: { max: deps.config.verifyRatePerMinute, timeWindow: '1 minute' },
        },
      },
      async (request) => {
        let body: unknown;
        try {
          body = JSON.parse(typeof request.body === 'string' ? request.body : '');
        } catch {
          return fail(null, RPC_ERRORS.parse, 'parse error: the body is not JSON');
        }
        const batch = Array.isArray(body);
        const requests: unknown[] = Array.isArray(body) ? body : [body];
        if (batch && requests.length === 0) return fail(null, RPC_ERRORS.invalidRequest, 'empty batch');
        if (requests.length > MAX_BATCH)
          return fail(null, RPC_ERRORS.invalidRequest, `a batch holds at most ${MAX_BATCH} requests`);

        const refusals = requests.map(readOnlyRefusal);
        const allowed = requests.filter((_, i) => !refusals[i]);
        const forwarded = allowed.length > 0 ? await forward(deps.chain.conn.rpcUrl, allowed) : [];
        let next = 0;
        const answers = requests.map((r, i) => {
          const refusal = refusals[i];
          return refusal ? fail(idOf(r), refusal.code, refusal.message) : forwarded[next++]!;
        });
        return batch ? answers : answers[0];
      },
    );
    ready();
  });
}
