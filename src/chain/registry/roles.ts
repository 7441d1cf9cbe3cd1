import { keccak256, toHex, type Hex } from 'viem';

export type RoleName = 'admin' | 'issuer' | 'anchorer';
export const ROLE_NAMES: readonly RoleName[] = ['admin', 'issuer', 'anchorer'];

/** The role ids as the contract defines them (`DEFAULT_ADMIN_ROLE` is zero). */
export const ROLE_IDS: Record<RoleName, Hex> = {
  admin: `0x${'00'.repeat(32)}`,
  issuer: keccak256(toHex('ISSUER_ROLE')),
  anchorer: keccak256(toHex('ANCHORER_ROLE')),
};

export function parseRoleName(input: string): RoleName | undefined {
  const s = input
    .trim()
    .toLowerCase()
    .replace(/_role$/, '');
  if (s === 'default_admin' || s === 'admin') return 'admin';
  return ROLE_NAMES.find((r) => r === s);
}
