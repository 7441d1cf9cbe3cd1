/**
 * The few WebCrypto calls the stamp envelope needs, typed here so the same code compiles for Node
 * (global `crypto` since Node 19) and the browser without pulling either's type library into core.
 */
export interface SubtleLike {
  importKey(
    format: 'raw',
    key: Uint8Array,
    algorithm: string | { name: string },
    extractable: boolean,
    usages: string[],
  ): Promise<unknown>;
  deriveBits(
    algorithm: { name: 'HKDF'; hash: 'SHA-256'; salt: Uint8Array; info: Uint8Array },
    key: unknown,
    length: number,
  ): Promise<ArrayBuffer>;
  encrypt(
    algorithm: { name: 'AES-GCM'; iv: Uint8Array; additionalData: Uint8Array },
    key: unknown,
    data: Uint8Array,
  ): Promise<ArrayBuffer>;
  decrypt(
    algorithm: { name: 'AES-GCM'; iv: Uint8Array; additionalData: Uint8Array },
    key: unknown,
    data: Uint8Array,
  ): Promise<ArrayBuffer>;
}

export function subtle(): SubtleLike {
  const c = (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto;
  if (!c?.subtle) throw new Error('WebCrypto is not available (a browser needs https or localhost)');
  return c.subtle;
}
