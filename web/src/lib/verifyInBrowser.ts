import type { Address, Hex } from 'viem';
import { verifyDocument } from '../../../src/core/index.js';
import { api } from '../api/client.js';
import type { Verification } from '../api/types.js';
import { chainReader } from './chainReader.js';
import { dohTxtResolver } from './dohTxtResolver.js';
import type { ReceiptSource } from './outcomeOf.js';

/** GET /api/chain: the chain and registry this portal anchors on, and where browsers read it. */
export interface ChainInfo {
  readonly chainId: number;
  readonly registry: Address;
  readonly rpcUrl: string;
  /** The DNS-over-HTTPS resolver for the institution's TXT record; absent: the portal set none. */
  readonly dohUrl?: string;
}

/** Which chain endpoint answered a verification, and the chain id it reported. */
export interface CheckedAt {
  readonly url: string;
  readonly chainId?: number;
}

/**
 * `checkedAt` is absent when there was nothing to ask the chain (no receipt). `source` says where the
 * receipt came from, which decides what "no record" means to the reader.
 */
export type BrowserVerification = Verification & {
  readonly checkedAt?: CheckedAt;
  readonly source: ReceiptSource;
};

let chainInfo: Promise<ChainInfo> | undefined;
/** Asked once per page load; a failure is not remembered. */
export function loadChainInfo(): Promise<ChainInfo> {
  chainInfo ??= api<ChainInfo>('GET', '/api/chain');
  chainInfo.catch(() => (chainInfo = undefined));
  return chainInfo;
}

/** An absolute URL for display and fetch (the configured one may be relative to this page). */
const absolute = (url: string) => new URL(url, window.location.href).href;

/**
 * Verifies in this browser against the chain: core's verifyDocument with a fetch reader on `endpoint`
 * (else the portal's configured public RPC), trusting only the chain id and registry the portal
 * anchors on, and the institution's DNS TXT record over DNS-over-HTTPS (`dohUrl`, else the portal's). The portal supplies the receipt, never the verdict. With several receipts (the same
 * file issued twice) the first that verifies wins, else the first one's answer stands.
 */
export async function verifyInBrowser(
  docHash: Hex,
  receipts: readonly unknown[],
  endpoint?: string,
  given = false,
  dohUrl?: string,
): Promise<BrowserVerification> {
  const info = await loadChainInfo();
  const url = absolute(endpoint?.trim() || info.rpcUrl);
  const reader = chainReader(url);
  const trust = { chainId: info.chainId, registry: info.registry };
  // The institution's TXT record over DNS-over-HTTPS: the resolver the verifier typed, else the portal's.
  const doh = dohUrl?.trim() || info.dohUrl;
  const txt = doh ? dohTxtResolver(absolute(doh)) : undefined;
  let first: Verification | undefined;
  for (const receipt of receipts) {
    const v = await verifyDocument({ docHash, receipt, reader, trust, ...(txt ? { txt } : {}) });
    // Core's answer has read-only arrays; the page's type is the API's, field for field the same.
    const shown: Verification = { ...v, checks: [...v.checks] };
    first ??= shown;
    if (v.verdict === 'VALID') {
      first = shown;
      break;
    }
  }
  if (first) {
    const chainId = await reader.chainId().catch(() => undefined);
    return {
      ...first,
      source: given ? 'given' : 'portal',
      checkedAt: { url, ...(chainId !== undefined ? { chainId } : {}) },
    };
  }
  return {
    verdict: 'NOT_ANCHORED',
    code: 'NOT_FOUND',
    message: 'this portal has no document with this fingerprint; the chain was not asked',
    docHash,
    checks: [],
    source: 'none',
  };
}
