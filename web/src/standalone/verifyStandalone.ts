import type { Address, Hex } from 'viem';
import {
  verifyDocument,
  type TrustAnchor,
  type TrustList,
  type Verification,
} from '../../../src/core/index.js';
import { chainReader } from '../lib/chainReader.js';
import { dohTxtResolver } from '../lib/dohTxtResolver.js';

export interface StandaloneInput {
  readonly docHash: Hex;
  readonly receipt: unknown;
  /** The JSON-RPC endpoint the verifier chose (typed, or the suggestion for the receipt's chain). */
  readonly rpcUrl: string;
  /** The registry the verifier trusts, if they named one. */
  readonly registry?: Address | undefined;
  readonly trustList?: TrustList | undefined;
  /** The DNS-over-HTTPS resolver for the institution's TXT record; absent: not checked (SKIPPED). */
  readonly dohUrl?: string | undefined;
}

export interface StandaloneResult {
  readonly verification: Verification;
  /** The endpoint asked, and the chain id it reported (absent: it did not answer). */
  readonly checkedAt: { readonly url: string; readonly chainId?: number };
}

/**
 * Core's verifyDocument in a page opened from disk, with no portal anywhere: one reader serves v1
 * (three views) and v2 receipts (`check`), both hand-encoded JSON-RPC over fetch to `rpcUrl`. The
 * verifier's own trust decides (the registry they typed, a trust list they dropped); without either,
 * the receipt's registry is taken as it is and the `registry` check says so. A browser has no DNS:
 * the institution's TXT record is asked of a DNS-over-HTTPS resolver (`dohUrl`) when one is given.
 */
export async function verifyStandalone(input: StandaloneInput): Promise<StandaloneResult> {
  const reader = chainReader(input.rpcUrl);
  const chainId = await reader.chainId().catch(() => undefined);
  // The chain is the one the receipt names, checked against what the endpoint serves (check chainId).
  const trust: TrustAnchor = input.registry ? { registry: input.registry } : {};
  const verification = await verifyDocument({
    docHash: input.docHash,
    receipt: input.receipt,
    reader,
    trust,
    ...(input.trustList ? { trustList: input.trustList } : {}),
    ...(input.dohUrl ? { txt: dohTxtResolver(input.dohUrl) } : {}),
  });
  return {
    verification,
    checkedAt: { url: input.rpcUrl, ...(chainId !== undefined ? { chainId } : {}) },
  };
}
