import { getAddress, type Account, type Address, type Hex } from 'viem';
import { MedproofError } from '../../core/index.js';
import type { ChainConnection } from '../connectChain.js';
import { registryAbi, registryBytecode } from '../registryAbi.js';
import { registryVersionOfCode, type RegistryVersion } from './registryVersion.js';
import { registryFailure } from './sendRegistryTx.js';

export interface Deployment {
  readonly address: Address;
  readonly txHash: Hex;
  readonly blockNumber: number;
}

/** Deploys a registry; `admin` (default: the deployer) gets the admin, issuer and anchorer roles. */
export async function deployRegistry(
  conn: ChainConnection,
  deployer: Account,
  admin: Address = deployer.address,
): Promise<Deployment> {
  try {
    const hash = await conn
      .walletFor(deployer)
      .deployContract({ abi: registryAbi, bytecode: registryBytecode, args: [admin] });
    const receipt = await conn.client.waitForTransactionReceipt({
      hash,
      pollingInterval: 50,
      timeout: 120_000,
    });
    if (receipt.status !== 'success' || !receipt.contractAddress) {
      throw new MedproofError('DEPLOY_FAILED', `registry deployment reverted in ${hash}`);
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

/**
 * The code at `registry` is one of our registries' (v1 or v2), byte for byte; returns which. Checked at
 * every start so a reset or different chain is a clear CHAIN_MISMATCH, never silent anchoring into a
 * contract nobody trusts.
 */
export async function checkRegistryCode(conn: ChainConnection, registry: Address): Promise<RegistryVersion> {
  const code = await conn.client.getCode({ address: registry });
  if (!code || code === '0x') {
    throw new MedproofError(
      'CHAIN_MISMATCH',
      `no contract at registry ${registry} on chain ${conn.chainId} (${conn.rpcUrl}): the chain was reset or is another chain`,
    );
  }
  const version = registryVersionOfCode(code);
  if (version === undefined) {
    throw new MedproofError(
      'CHAIN_MISMATCH',
      `the contract at ${registry} on chain ${conn.chainId} is not a medproof registry of this version`,
    );
  }
  return version;
}
