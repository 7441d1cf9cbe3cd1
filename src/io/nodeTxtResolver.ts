import { Resolver } from 'node:dns/promises';
import type { TxtResolver } from '../core/index.js';

/** Answers that mean "this name has no TXT records", not "could not ask". */
const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * The core's TxtResolver over node:dns. `server` (`host:port`, from MEDPROOF_DNS_SERVER) replaces the
 * system's servers; without it the system's are used. A missing name or record set is an empty answer;
 * a timeout or refused query rejects (the check reports DNS_UNREACHABLE, never DNS_NOT_FOUND).
 */
export function nodeTxtResolver(server?: string): TxtResolver {
  // Short timeouts: a verifier waits on this, and the DNS is asked in parallel with the chain.
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  if (server) resolver.setServers([server]);
  return {
    async resolveTxt(domain: string): Promise<string[][]> {
      try {
        return await resolver.resolveTxt(domain);
      } catch (error) {
        if (NO_RECORDS.has((error as NodeJS.ErrnoException).code ?? '')) return [];
        throw error;
      }
    },
  };
}
