import { getAddress, type Account, type Address } from 'viem';
import { MedproofError, institutionCommitment, type Institution } from '../../core/index.js';
import type { ChainConnection } from '../connectChain.js';
import { registryV2Abi, registryV2Bytecode } from '../registryV2Abi.js';
import type { Deployment } from './deployRegistry.js';
import { registryFailure } from './sendRegistryTx.js';

/**
 * Deploys registry v2 committed to `institution` (name, domain, salt); `admin` (default: the deployer)
 * receives all four roles (admin, registrar, anchorer, revoker).
 */
export async function deployRegistryV2(
  conn: ChainConnection,
  deployer: Account,
  institution: Institution,
  admin: Address = deployer.address,
): Promise<Deployment> {
  try {
    const hash = await conn.walletFor(deployer).deployContract({
      abi: registryV2Abi,
      bytecode: registryV2Bytecode,
      args: [admin, institutionCommitment(institution, institution.salt)],
    });
    const receipt = await conn.client.waitForTransactionReceipt({
      hash,
      pollingInterval: 50,
      timeout: 120_000,
    });
    if (receipt.status !== 'success' || !receipt.contractAddress) {
      throw new MedproofError('DEPLOY_FAILED', `registry v2 deployment reverted in ${hash}`);
    }
    return {
      address: getAddress(receipt.contractAddress),
      txHash: hash,
      blockNumber: Number(receipt.blockNumber),
    };
  } catch (error) {
    throw registryFailure(error, 'deploy');
  }
}
