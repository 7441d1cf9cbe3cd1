import { getAddress, isAddress } from 'viem';
import { deployRegistry } from '../../chain/registry/deployRegistry.js';
import type { Config } from '../../config/loadConfig.js';
import { MedproofError } from '../../core/errors/MedproofError.js';
import type { Output } from '../output.js';
import { openChainForCommand, requireSigner } from '../openChain.js';

/** `medproof deploy`: a new registry on any chain; the deployer (or --admin) holds admin, issuer and anchorer. */
export async function deployCommand(config: Config, out: Output, o: { admin?: string }): Promise<number> {
  if (o.admin !== undefined && !isAddress(o.admin, { strict: false }))
    throw new MedproofError('BAD_ADDRESS', `--admin is not an address: ${o.admin}`);
  const chain = await openChainForCommand(config, { create: true });
  try {
    const signer = requireSigner(chain);
    const admin = o.admin === undefined ? signer.address : getAddress(o.admin);
    const d = await deployRegistry(chain.conn, signer, admin);
    await chain.durable();
    out.result(
      [
        `registry deployed at ${d.address} on chain ${chain.conn.chainId} (block ${d.blockNumber}, tx ${d.txHash})`,
        `admin, issuer and anchorer: ${admin}`,
      ],
      {
        registry: d.address,
        chainId: chain.conn.chainId,
        rpcUrl: chain.conn.rpcUrl,
        txHash: d.txHash,
        blockNumber: d.blockNumber,
        admin,
      },
    );
    return 0;
  } finally {
    await chain.close();
  }
}
