import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from 'viem';
import { registryAbi } from '../registryAbi.js';
import { registryV2Abi } from '../registryV2Abi.js';

export interface DecodedRevert {
  readonly name: string;
  readonly args: readonly unknown[];
}

/** Finds revert data anywhere in an error's cause chain: viem's decoded form, or raw hex (ganache's shape). */
function findRevertData(error: unknown, depth = 0): Hex | undefined {
  if (depth > 8 || error === null || typeof error !== 'object') return undefined;
  const e = error as { data?: unknown; cause?: unknown; error?: unknown };
  for (const candidate of [
    e.data,
    (e.data as { data?: unknown } | undefined)?.data,
    (e.data as { result?: unknown } | undefined)?.result,
  ]) {
    if (typeof candidate === 'string' && /^0x[0-9a-fA-F]{8,}$/.test(candidate)) return candidate as Hex;
  }
  return findRevertData(e.cause, depth + 1) ?? findRevertData(e.error, depth + 1);
}

/**
 * The registry's custom error (name and arguments) behind a failed call or estimate, whichever node
 * answered. viem decodes anvil's on its own; ganache's revert data has to be dug out and decoded here.
 */
export function decodeRegistryError(error: unknown): DecodedRevert | undefined {
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName) {
      return { name: reverted.data.errorName, args: reverted.data.args ?? [] };
    }
  }
  const data = findRevertData(error);
  if (!data) return undefined;
  // v1's errors first, then v2's (its revocation and issuer-term errors are its own).
  for (const abi of [registryAbi, registryV2Abi]) {
    try {
      const decoded = decodeErrorResult({ abi, data });
      return { name: decoded.errorName, args: decoded.args ?? [] };
    } catch {
      // not one of this version's errors
    }
  }
  return undefined;
}

export function describeRevert(r: DecodedRevert): string {
  const args = r.args.map((a) => (typeof a === 'bigint' ? a.toString() : String(a))).join(', ');
  return `${r.name}(${args})`;
}
