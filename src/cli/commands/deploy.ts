import { getAddress, isAddress } from 'viem';
import { deployRegistry, deployRegistryV2 } from '../../chain/index.js';
import { institutionOf, institutionSecrets, type Config } from '../../config/index.js';
import { MedproofError } from '../../core/index.js';
import type { Output } from '../output.js';
import { openChainForCommand, requireSigner } from '../openChain.js';

/**
 * `medproof deploy`: a new registry on any chain; the deployer (or --admin) holds every role. Registry v2
 * (the default) commits to this data folder's institution (MEDPROOF_INSTITUTION_NAME and _DOMAIN, salted
 * with its configured secret), so portals started with the same secrets hand out receipts that match it.
 */
export async function deployCommand(config: Config, out: Output, o: { admin?: string }): Promise<number> {
  if (o.admin !== undefined && !isAddress(o.admin, { strict: false }))
    throw new MedproofError('BAD_ADDRESS', `--admin is not an address: ${o.admin}`);
  const chain = await openChainForCommand(config, { create: true });
  try {
    const signer = requireSigner(chain);
    const admin = o.admin === undefined ? signer.address : getAddress(o.admin);
    const v2 = config.registryVersion === '2';
    // The secrets the portal will use (MEDPROOF_SECRETS_FILE or the environment for replicas, else
    // secrets.json): the registry commits to the salt derived from them, so every replica agrees with it.
    const institution = institutionOf(config, institutionSecrets(config));
    const d = v2
      ? await deployRegistryV2(chain.conn, signer, institution, admin)
      : await deployRegistry(chain.conn, signer, admin);
    await chain.durable();
    out.result(
      [
        `registry v${v2 ? 2 : 1} deployed at ${d.address} on chain ${chain.conn.chainId} (block ${d.blockNumber}, tx ${d.txHash})`,
        v2 ? `admin, registrar, anchorer and revoker: ${admin}` : `admin, issuer and anchorer: ${admin}`,
        ...(v2
          ? [
              `institution: ${institution.name} (${institution.domain})`,
              `publish the TXT record on ${institution.domain}: medproof chain=${chain.conn.chainId} registry=${d.address}`,
            ]
          : []),
      ],
      {
        registryVersion: v2 ? 2 : 1,
        ...(v2 ? { institution: { name: institution.name, domain: institution.domain } } : {}),
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
