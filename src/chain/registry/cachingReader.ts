import type { Address, Hex } from 'viem';
import type {
  AnchorEventInfo,
  RegistryReader,
  RegistryV2Facts,
  RevocationInfo,
  RootInfo,
} from '../../core/index.js';
import type { VersionedReader } from './registryReaderFor.js';

/**
 * A RegistryReader whose answers are reused for `ttlMs`, and whose concurrent identical reads share one
 * request. For the portal's public verification under load: answers still come from the chain, at
 * most `ttlMs` old. Failures are never cached.
 */
export interface CachingReader extends VersionedReader {
  /** Forgets every cached answer: call after changing the registry yourself. */
  clear(): void;
}

export function cachingReader(
  inner: RegistryReader | VersionedReader,
  ttlMs: number,
  now: () => number = Date.now,
): CachingReader {
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  const MAX = 10_000;
  function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const t = now();
    const hit = cache.get(key);
    if (hit && t - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = load();
    cache.set(key, { at: t, value });
    value.catch(() => cache.delete(key));
    if (cache.size > MAX) {
      for (const [k, v] of cache) if (t - v.at >= ttlMs) cache.delete(k);
      if (cache.size > MAX) cache.clear();
    }
    return value;
  }
  if (ttlMs <= 0) return { ...inner, clear: () => undefined };
  const checkV2 = 'checkV2' in inner ? inner.checkV2 : undefined;
  return {
    ...(checkV2
      ? {
          checkV2: (registry: Address, root: Hex, leaf: Hex, issuer: Address) =>
            cached<RegistryV2Facts>(`v2:${registry}:${root}:${leaf}:${issuer}`, () =>
              checkV2(registry, root, leaf, issuer),
            ),
        }
      : {}),
    clear: () => cache.clear(),
    chainId: () => cached('chainId', () => inner.chainId()),
    rootInfo: (registry: Address, root: Hex) =>
      cached<RootInfo>(`root:${registry}:${root}`, () => inner.rootInfo(registry, root)),
    revocation: (registry: Address, leaf: Hex) =>
      cached<RevocationInfo>(`rev:${registry}:${leaf}`, () => inner.revocation(registry, leaf)),
    isIssuer: (registry: Address, account: Address) =>
      cached<boolean>(`iss:${registry}:${account}`, () => inner.isIssuer(registry, account)),
    anchorEvent: (registry: Address, txHash: Hex, root: Hex) =>
      cached<AnchorEventInfo>(`tx:${registry}:${txHash}:${root}`, () =>
        inner.anchorEvent(registry, txHash, root),
      ),
    anchoredInBlock: (registry: Address, root: Hex, blockNumber: number) =>
      cached<boolean>(`log:${registry}:${root}:${blockNumber}`, () =>
        inner.anchoredInBlock(registry, root, blockNumber),
      ),
  };
}
