/**
 * An incremental hash. Node's `crypto.createHash('sha256')` and noble's `sha256.create()` both fit,
 * so core stays free of Node and the fastest implementation is chosen by whoever calls it.
 */
export interface Hasher {
  update(chunk: Uint8Array): unknown;
  digest(): Uint8Array;
}
