import type { Address, LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { connectChain, type ChainConnection } from '../chain/connectChain.js';
import { openEmbeddedChain, type EmbeddedChain } from '../chain/embedded/openEmbeddedChain.js';
import type { Config } from '../config/loadConfig.js';
import type { Secrets } from '../config/secrets.js';
import { MedproofError } from '../core/errors/MedproofError.js';

export interface SystemChain {
  readonly conn: ChainConnection;
  readonly registry: Address;
  /** Sends the anchoring engine's transactions: one writer per account. */
  readonly anchorer: LocalAccount;
  /** Grants ISSUER_ROLE and revokes documents for the portal; absent on an external chain without MEDPROOF_KEY. */
  readonly admin: LocalAccount | undefined;
  /** Set when this process runs the chain node itself. */
  readonly embedded: EmbeddedChain | undefined;
}

/**
 * The chain `medproof start` uses: the configured JSON-RPC endpoint (with its registry and keys),
 * or else the data folder's embedded node, started and owned for the life of the process.
 */
export async function openSystemChain(config: Config, secrets: Secrets): Promise<SystemChain> {
  if (config.rpcUrl) {
    if (!config.registry) {
      throw new MedproofError(
        'NO_REGISTRY',
        'with an RPC URL, set the registry address too (MEDPROOF_REGISTRY; `medproof deploy` prints one)',
      );
    }
    const key = config.anchorKey ?? config.key;
    if (!key)
      throw new MedproofError(
        'NO_KEY',
        'with an RPC URL, set the anchoring key (MEDPROOF_ANCHOR_KEY or MEDPROOF_KEY)',
      );
    return {
      conn: await connectChain(config.rpcUrl, { retryCount: 0 }),
      registry: config.registry,
      anchorer: privateKeyToAccount(key),
      admin: config.key ? privateKeyToAccount(config.key) : undefined,
      embedded: undefined,
    };
  }
  const embedded = await openEmbeddedChain({
    dataDir: config.dataDir,
    kind: config.node,
    mnemonic: secrets.devMnemonic,
    mode: 'serve',
    port: config.nodePort,
  });
  return {
    conn: embedded.conn,
    registry: embedded.registry,
    anchorer: config.anchorKey ? privateKeyToAccount(config.anchorKey) : embedded.anchorer,
    admin: config.key ? privateKeyToAccount(config.key) : embedded.admin,
    embedded,
  };
}
