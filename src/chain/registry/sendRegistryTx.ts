import type { Account, Address, ContractFunctionArgs, ContractFunctionName, TransactionReceipt } from 'viem';
import { MedproofError } from '../../core/index.js';
import type { ChainConnection } from '../connectChain.js';
import { registryAbi } from '../registryAbi.js';
import { registryV2Abi } from '../registryV2Abi.js';
import { isInsufficientFunds, isUnreachable, shortMessage } from '../rpcErrors.js';
import { decodeRegistryError, describeRevert } from './decodeRegistryError.js';

type WriteName = ContractFunctionName<typeof registryAbi, 'nonpayable'>;
type WriteNameV2 = ContractFunctionName<typeof registryV2Abi, 'nonpayable'>;

/** Turns a failed registry call into one of our codes, with the contract's own error when there is one. */
export function registryFailure(error: unknown, what: string): MedproofError {
  if (error instanceof MedproofError) return error;
  const revert = decodeRegistryError(error);
  if (revert)
    return new MedproofError(
      'CONTRACT_REVERTED',
      `${what} rejected by the registry: ${describeRevert(revert)}`,
      { cause: error },
    );
  if (isUnreachable(error))
    return new MedproofError(
      'CHAIN_UNREACHABLE',
      `${what}: the chain did not answer (${shortMessage(error)})`,
      { cause: error },
    );
  if (isInsufficientFunds(error))
    return new MedproofError('INSUFFICIENT_FUNDS', `${what}: the signing account cannot pay for gas`, {
      cause: error,
    });
  return new MedproofError('CHAIN_ERROR', `${what} failed: ${shortMessage(error)}`, { cause: error });
}

/** Simulates, sends and awaits one write; `call` is typed by the callers' signatures. */
async function sendSimulated(
  conn: ChainConnection,
  account: Account,
  what: string,
  call: object,
): Promise<TransactionReceipt> {
  try {
    // viem's overloads cannot follow a generic function name; the call's type is checked by our signature.
    await conn.client.simulateContract(call as never);
    const hash = await conn.walletFor(account).writeContract(call as never);
    const receipt = await conn.client.waitForTransactionReceipt({
      hash,
      pollingInterval: 50,
      timeout: 120_000,
    });
    if (receipt.status !== 'success')
      throw new MedproofError('CONTRACT_REVERTED', `${what} reverted in transaction ${hash}`);
    return receipt;
  } catch (error) {
    throw registryFailure(error, what);
  }
}

/**
 * One registry write for interactive commands (grant, revoke, a CLI anchor): simulated first, so a
 * rule the contract enforces fails with its decoded error before any gas is spent, then sent and
 * awaited. The anchoring engine does not use this: it persists signed transactions before sending.
 */
export async function sendRegistryTx<N extends WriteName>(
  conn: ChainConnection,
  account: Account,
  registry: Address,
  functionName: N,
  args: ContractFunctionArgs<typeof registryAbi, 'nonpayable', N>,
): Promise<TransactionReceipt> {
  return sendSimulated(conn, account, functionName, {
    address: registry,
    abi: registryAbi,
    functionName,
    args,
    account,
  });
}

/** {@link sendRegistryTx} for registry v2 (its own functions and custom errors). */
export async function sendRegistryV2Tx<N extends WriteNameV2>(
  conn: ChainConnection,
  account: Account,
  registry: Address,
  functionName: N,
  args: ContractFunctionArgs<typeof registryV2Abi, 'nonpayable', N>,
): Promise<TransactionReceipt> {
  return sendSimulated(conn, account, functionName, {
    address: registry,
    abi: registryV2Abi,
    functionName,
    args,
    account,
  });
}
