import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Address, LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { connectChain, type ChainConnection } from '../chain/connectChain.js';
import { openEmbeddedChain } from '../chain/embedded/openEmbeddedChain.js';
import type { Config } from '../config/loadConfig.js';
import { loadSecrets } from '../config/secrets.js';
import { MedproofError } from '../core/errors/MedproofError.js';
import type { TrustAnchor } from '../core/verify/types.js';

export interface CommandChain {
  readonly conn: ChainConnection;
  /** The registry commands act on (configured, or the embedded chain's). */
  readonly registry: Address | undefined;
  /** The account that signs writes: --key / MEDPROOF_KEY, or the embedded chain's admin. */
  readonly signer: LocalAccount | undefined;
  /** What a verifier trusts: the configured or embedded chain and registry. */
  readonly trust: TrustAnchor;
  readonly embedded: boolean;
  /** Resolves once writes so far would survive a crash of the chain node. */
  durable(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The chain a one-off command talks to: `--rpc` (or MEDPROOF_RPC_URL) if given, else the data folder's
 * embedded node, joined if `medproof start` runs it, or started just for this command. With
 * `create: false` an embedded chain is only used if the data folder already has one.
 */
export async function openChainForCommand(config: Config, o: { create: boolean }): Promise<CommandChain> {
  if (config.rpcUrl) {
    const conn = await connectChain(config.rpcUrl);
    const signer = config.key ? privateKeyToAccount(config.key) : undefined;
    return {
      conn,
      registry: config.registry,
      signer,
      trust: { chainId: conn.chainId, ...(config.registry ? { registry: config.registry } : {}) },
      embedded: false,
      durable: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
  }
  const chainFile = join(config.dataDir, 'chain', config.node, 'chain.json');
  if (!o.create && !existsSync(chainFile)) {
    throw new MedproofError(
      'NO_CHAIN',
      `no chain to ask: pass --rpc URL (or set MEDPROOF_RPC_URL); ${config.dataDir} has no embedded ${config.node} chain`,
    );
  }
  const secrets = loadSecrets(config.dataDir);
  const chain = await openEmbeddedChain({
    dataDir: config.dataDir,
    kind: config.node,
    mnemonic: secrets.devMnemonic,
    mode: 'command',
  });
  const signer = config.key ? privateKeyToAccount(config.key) : chain.admin;
  return {
    conn: chain.conn,
    registry: chain.registry,
    signer,
    trust: { chainId: chain.conn.chainId, registry: chain.registry },
    embedded: true,
    durable: () => chain.durable(),
    close: () => chain.close(),
  };
}

export function requireRegistry(c: CommandChain): Address {
  if (!c.registry)
    throw new MedproofError(
      'NO_REGISTRY',
      'no registry address: pass --registry ADDRESS (or set MEDPROOF_REGISTRY)',
    );
  return c.registry;
}

export function requireSigner(c: CommandChain): LocalAccount {
  if (!c.signer)
    throw new MedproofError(
      'NO_KEY',
      'this command signs a transaction: pass --key HEX (or set MEDPROOF_KEY)',
    );
  return c.signer;
}
