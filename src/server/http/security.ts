import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Where the verify page may also connect: a chain endpoint the verifier types in. Any https endpoint
 * (a public RPC, the verifier's own node behind TLS) and a node on the verifier's own machine; not
 * plain http elsewhere, which anyone on the path could answer with a forged chain. Only on /verify:
 * the other pages (signed-in ones above all) keep connect-src to this portal and its public RPC, so
 * an injected script there could not send what it reads anywhere.
 */
export const VERIFY_PAGE_CONNECT = ['https:', 'http://127.0.0.1:*', 'http://localhost:*'] as const;

/**
 * Security headers on every response (ASVS 3.4): a strict CSP with frame-ancestors 'none', HSTS,
 * nosniff, no referrer (share links carry their token in the URL), and no caching of API answers.
 * connect-src is this origin plus the public RPC browsers verify against (`publicRpcUrl`) and the
 * DNS-over-HTTPS resolver they ask (`dohUrl`), widened on the verify page ({@link VERIFY_PAGE_CONNECT}).
 */
export async function installSecurityHeaders(
  app: FastifyInstance,
  publicRpcUrl?: string,
  dohUrl?: string,
): Promise<void> {
  // The DoH resolver answers the browser's TXT lookup of the institution's domain (a browser has no DNS).
  const connectSrc = [
    "'self'",
    ...new Set([publicRpcUrl, dohUrl].filter((u) => u !== undefined).map((u) => new URL(u).origin)),
  ];
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // 'wasm-unsafe-eval' lets the page's own WASM (SHA-256 in a Web Worker) compile; it allows no
        // eval of JavaScript and no script from elsewhere.
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc,
        objectSrc: ["'none'"],
        frameSrc: ["'self'", 'blob:'],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        // Not upgrade-insecure-requests: on http://127.0.0.1 it would send the UI's requests to https.
        upgradeInsecureRequests: null,
      },
    },
    frameguard: { action: 'deny' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    const path = request.url.split('?')[0];
    const csp = reply.getHeader('content-security-policy');
    if ((path === '/verify' || path === '/verify/') && typeof csp === 'string') {
      const wider = [...connectSrc, ...VERIFY_PAGE_CONNECT].join(' ');
      void reply.header('content-security-policy', csp.replace(/connect-src [^;]*/, `connect-src ${wider}`));
    }
  });
}
