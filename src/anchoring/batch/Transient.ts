import { isInsufficientFunds, isUnreachable, shortMessage } from '../../chain/index.js';
import type { Address } from 'viem';

/** Thrown inside a batch step to say "try this batch again later"; anything else is a bug. */
export class Transient extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The transient failures we know (node down, no gas money), or undefined for a bug. */
export function asTransient(error: unknown, account: Address): Transient | undefined {
  if (error instanceof Transient) return error;
  if (isUnreachable(error))
    return new Transient('CHAIN_UNREACHABLE', `chain unreachable: ${shortMessage(error)}`);
  if (isInsufficientFunds(error))
    return new Transient('INSUFFICIENT_FUNDS', `anchoring account ${account} cannot pay for gas: fund it`);
  return undefined;
}
