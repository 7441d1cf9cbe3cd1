import { registryCalls, type RegistryReader, type RegistryV2Reader } from '../core/index.js';
import { jsonRpcBatch } from './jsonRpcBatch.js';

export type LeanRegistryReader = RegistryReader & RegistryV2Reader;

/**
 * The core's RegistryReader over plain JSON-RPC on node:http ({@link registryCalls} over
 * {@link jsonRpcBatch}). It does what the chain layer's viem readers do (v1 and v2) without
 * loading viem (~0.2 s of a CLI verify's start-up, on a quiet machine).
 */
export function leanRegistryReader(rpcUrl: string, o: { timeoutMs?: number } = {}): LeanRegistryReader {
  return registryCalls(jsonRpcBatch(rpcUrl, o));
}
