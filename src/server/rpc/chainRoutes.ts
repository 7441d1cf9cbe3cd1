import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Hex } from 'viem';
import { AnyReceiptRef, withErrors } from '../../api/index.js';
import type { AnyReceipt } from '../../core/index.js';
import { clientIp } from '../auth/actorOf.js';
import { documentReceipt } from '../documents/documentReceipt.js';
import type { PortalDeps } from '../PortalDeps.js';

const ChainInfo = Type.Object({
  chainId: Type.Integer(),
  registry: Type.String(),
  rpcUrl: Type.String({
    description: 'Where browsers read the chain: the public RPC, else this portal’s /rpc',
  }),
  dohUrl: Type.Optional(
    Type.String({
      description:
        "The DNS-over-HTTPS resolver (RFC 8484 JSON) browsers ask for the institution's TXT record; absent: none",
    }),
  ),
});
const DocHashParams = Type.Object({ docHash: Type.String({ pattern: '^0x[0-9a-fA-F]{64}$' }) });
const ReceiptsByHash = Type.Object({ receipts: Type.Array(AnyReceiptRef) });

/**
 * What a browser verifier takes from the portal besides the chain: which chain and registry to trust
 * and where to read it (GET /api/chain), and a document's receipt by its fingerprint
 * (GET /api/receipts/by-hash/:docHash). Neither gives a verdict: the browser asks the chain.
 */
export function chainRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const rateLimit = { max: deps.config.verifyRatePerMinute, timeWindow: '1 minute' };

  app.get(
    '/api/chain',
    {
      schema: {
        tags: ['verify'],
        summary: 'The chain and registry this portal anchors on, and the RPC URL browsers verify against',
        response: withErrors({ 200: ChainInfo }),
      },
      config: { public: true },
    },
    () => ({
      chainId: deps.chain.conn.chainId,
      registry: deps.chain.registry,
      rpcUrl: deps.config.publicRpcUrl ?? `${deps.config.publicUrl}/rpc`,
      ...(deps.config.dohUrl !== 'off' ? { dohUrl: deps.config.dohUrl } : {}),
    }),
  );

  app.get(
    '/api/receipts/by-hash/:docHash',
    {
      schema: {
        tags: ['verify'],
        summary: 'The anchored receipts of documents with this SHA-256 (nothing else: no names, no verdict)',
        params: DocHashParams,
        response: withErrors({ 200: ReceiptsByHash }),
      },
      config: { public: true, rateLimit },
    },
    async (request) => {
      const docHash = request.params.docHash.toLowerCase() as Hex;
      const receipts: AnyReceipt[] = [];
      for (const doc of await deps.repos.documents.findByHash(docHash)) {
        const receipt = await documentReceipt(deps, doc);
        if (!receipt) continue;
        receipts.push(receipt);
        // Whoever holds the file is checking it: the patient's access log says so, as POST /api/verify did.
        const actor = request.auth?.user;
        await deps.audit.append({
          actorId: actor?.id ?? null,
          actorRole: actor?.role ?? 'anonymous',
          action: 'document.verified',
          outcome: 'success',
          documentId: doc.id,
          subjectId: doc.patient_id,
          ip: clientIp(request),
          details: { via: 'receipt-by-hash' },
        });
      }
      return { receipts };
    },
  );
}
