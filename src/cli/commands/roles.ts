import { getAddress, isAddress, type Address } from 'viem';
import { ROLE_IDS, ROLE_NAMES, parseRoleName } from '../../chain/registry/roles.js';
import { sendRegistryTx } from '../../chain/registry/sendRegistryTx.js';
import type { Config } from '../../config/loadConfig.js';
import { MedproofError } from '../../core/errors/MedproofError.js';
import type { Output } from '../output.js';
import { openChainForCommand, requireRegistry, requireSigner } from '../openChain.js';

function parseArgs(
  roleInput: string,
  addressInput: string,
): { role: ReturnType<typeof parseRoleName> & string; address: Address } {
  const role = parseRoleName(roleInput);
  if (!role)
    throw new MedproofError('BAD_ROLE', `unknown role "${roleInput}": use one of ${ROLE_NAMES.join(', ')}`);
  if (!isAddress(addressInput, { strict: false }))
    throw new MedproofError('BAD_ADDRESS', `not an address: ${addressInput}`);
  return { role, address: getAddress(addressInput) };
}

/** `medproof grant ROLE ADDRESS` and `medproof revoke-role ROLE ADDRESS` (admin key). */
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
    const fn = action === 'grant' ? 'grantRole' : 'revokeRole';
    const tx = await sendRegistryTx(chain.conn, requireSigner(chain), registry, fn, [
      ROLE_IDS[role],
      address,
    ]);
    await chain.durable();
    const verb = action === 'grant' ? 'granted' : 'revoked';
    out.result(
      `${verb} ${role} ${action === 'grant' ? 'to' : 'from'} ${address} (tx ${tx.transactionHash})`,
      {
        action: verb,
        role,
        roleId: ROLE_IDS[role],
        address,
        registry,
        txHash: tx.transactionHash,
      },
    );
    return 0;
  } finally {
    await chain.close();
  }
}
