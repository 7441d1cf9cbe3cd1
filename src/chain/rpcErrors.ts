import { BaseError, HttpRequestError, InsufficientFundsError, NonceTooLowError, TimeoutError } from 'viem';

/** The node did not answer (down, refused, timed out): retry later, the work stays pending. */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof BaseError)) {
    const msg = error instanceof Error ? error.message : String(error);
    return /ECONNREFUSED|ECONNRESET|fetch failed|socket hang up|ETIMEDOUT/i.test(msg);
  }
  return Boolean(error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError));
}

export function isInsufficientFunds(error: unknown): boolean {
  if (error instanceof BaseError && error.walk((e) => e instanceof InsufficientFundsError)) return true;
  return /insufficient funds/i.test(error instanceof Error ? error.message : String(error));
}

/** The nonce was used already, or the node has this exact transaction: check what happened before re-sending. */
export function isNonceConsumed(error: unknown): boolean {
  if (error instanceof BaseError && error.walk((e) => e instanceof NonceTooLowError)) return true;
  return /nonce too low|already known|known transaction|nonce.*(already|too low)|replacement transaction underpriced/i.test(
    error instanceof Error ? error.message : String(error),
  );
}

/** One line for a person: viem's short message, not its multi-line dump. */
export function shortMessage(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}
