import { getAddress, isAddress, type Address } from 'viem';
import {
  ALL_ROLE_IDS,
  ROLE_NAMES,
  V2_ROLE_NAMES,
  parseRoleName,
  sendRegistryTx,
  type RoleName,
} from '../../chain/index.js';
import type { Config } from '../../config/index.js';
import { MedproofError } from '../../core/index.js';
import type { Output } from '../output.js';
import {
  openChainForCommand,
  registryVersionFor,
  requireRegistry,
  requireRegistryV1,
  requireRegistryV2,
  requireSigner,
} from '../openChain.js';

function parseArgs(roleInput: string, addressInput: string): { role: RoleName; address: Address } {
  const role = parseRoleName(roleInput);
  if (!role) {
    const names = [...new Set([...ROLE_NAMES, ...V2_ROLE_NAMES])].join(', ');
    throw new MedproofError('BAD_ROLE', `unknown role "${roleInput}": use one of ${names}`);
  }
  if (!isAddress(addressInput, { strict: false }))
    throw new MedproofError('BAD_ADDRESS', `not an address: ${addressInput}`);
  return { role, address: getAddress(addressInput) };
}

/**
 * `medproof roles grant|revoke ROLE ADDRESS` (also `grant` and `revoke-role`), with the admin key.
 * Both versions share AccessControl's grantRole/revokeRole; the roles differ: v1 has issuer, v2 has
 * registrar and revoker instead (its issuers hold terms: `medproof issuer enroll`).
 */
export async function roleCommand(
  config: Config,
  out: Output,
  action: 'grant' | 'revoke',
  roleInput: string,
  addressInput: string,
): Promise<number> {
  const { role, address } = parseArgs(roleInput, addressInput);
  const chain = await openChainForCommand(config, { create: true });
  try {
    const registry = requireRegistry(chain);
    if (role === 'issuer') await requireRegistryV1(chain, `${action} issuer`);
    if (role === 'registrar' || role === 'revoker') await requireRegistryV2(chain, `${action} ${role}`);
    const version = await registryVersionFor(chain);
    const fn = action === 'grant' ? 'grantRole' : 'revokeRole';
    // AccessControl's functions and errors are the same in both ABIs; decodeRegistryError knows v2's too.
    const tx = await sendRegistryTx(chain.conn, requireSigner(chain), registry, fn, [
      ALL_ROLE_IDS[role],
      address,
    ]);
    await chain.durable();
    const verb = action === 'grant' ? 'granted' : 'revoked';
    out.result(
      `${verb} ${role} ${action === 'grant' ? 'to' : 'from'} ${address} (tx ${tx.transactionHash})`,
      {
        action: verb,
        role,
        roleId: ALL_ROLE_IDS[role],
        address,
        registry,
        registryVersion: version,
        txHash: tx.transactionHash,
      },
    );
    return 0;
  } finally {
    await chain.close();
  }
}
