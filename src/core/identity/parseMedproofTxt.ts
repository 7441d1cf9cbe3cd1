import type { Address } from 'viem';

export interface MedproofTxt {
  readonly chainId: number;
  readonly registry: Address;
}

const RECORD = /^medproof(\s+\S+=\S+)+\s*$/;

/**
 * One TXT record (its character strings joined, as RFC 7208 does for long SPF records) read as
 * `medproof chain=<chainId> registry=<address>`; undefined when it is not a medproof record, so a
 * domain's other TXT records (SPF, site verification) are ignored. Unknown keys are allowed for
 * later versions; a medproof record missing chain or registry is not one.
 */
export function parseMedproofTxt(strings: readonly string[]): MedproofTxt | undefined {
  const text = strings.join('').trim();
  if (!RECORD.test(text)) return undefined;
  const fields = new Map<string, string>();
  for (const part of text.split(/\s+/).slice(1)) {
    const eq = part.indexOf('=');
    fields.set(part.slice(0, eq).toLowerCase(), part.slice(eq + 1));
  }
  const chain = fields.get('chain');
  const registry = fields.get('registry');
  if (!chain || !/^[1-9]\d{0,15}$/.test(chain) || !registry || !/^0x[0-9a-fA-F]{40}$/.test(registry))
    return undefined;
  return { chainId: Number(chain), registry: registry as Address };
}
