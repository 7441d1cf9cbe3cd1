/**
 * Reads a domain's TXT records, each as its character strings (as DNS carries them). Node implements
 * it over node:dns (src/io/nodeTxtResolver.ts), a browser over DNS-over-HTTPS (web/src/lib/dohTxtResolver.ts). Rejects only when
 * the name could not be asked; a name without records resolves to [].
 */
export interface TxtResolver {
  resolveTxt(domain: string): Promise<string[][]>;
}
