import { keccak256, toHex, type Hex } from 'viem';

export type RoleName = 'admin' | 'issuer' | 'anchorer' | 'registrar' | 'revoker';
/** Registry v1's roles (ROLE_IDS has exactly these: v1 knows no others). */
export const ROLE_NAMES: readonly RoleName[] = ['admin', 'issuer', 'anchorer'];
/** Registry v2's roles: no issuer role (issuers hold terms), a registrar for terms, a revoker. */
export const V2_ROLE_NAMES: readonly RoleName[] = ['admin', 'registrar', 'anchorer', 'revoker'];

/** The role ids as registry v1 defines them (`DEFAULT_ADMIN_ROLE` is zero). */
export const ROLE_IDS: Record<'admin' | 'issuer' | 'anchorer', Hex> = {
  admin: `0x${'00'.repeat(32)}`,
  issuer: keccak256(toHex('ISSUER_ROLE')),
  anchorer: keccak256(toHex('ANCHORER_ROLE')),
};

/** Every role id of either version, by name (v2's REGISTRAR_ROLE and REVOKER_ROLE included). */
export const ALL_ROLE_IDS: Record<RoleName, Hex> = {
  ...ROLE_IDS,
  registrar: keccak256(toHex('REGISTRAR_ROLE')),
  revoker: keccak256(toHex('REVOKER_ROLE')),
};

export function parseRoleName(input: string): RoleName | undefined {
  const s = input
    .trim()
    .toLowerCase()
    .replace(/_role$/, '');
  if (s === 'default_admin' || s === 'admin') return 'admin';
  return (Object.keys(ALL_ROLE_IDS) as RoleName[]).find((r) => r === s);
}
