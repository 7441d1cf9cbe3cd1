import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Address, LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  checkRegistryCode,
  connectChain,
  openEmbeddedChain,
  type ChainConnection,
  type RegistryVersion,
} from '../chain/index.js';
import { institutionOf, institutionSecrets, type Config } from '../config/index.js';
import { MedproofError, type TrustAnchor } from '../core/index.js';

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
  // The configured secrets (as `medproof start` takes them): the institution salt derives from them.
  const secrets = institutionSecrets(config);
  const chain = await openEmbeddedChain({
    dataDir: config.dataDir,
    kind: config.node,
    mnemonic: secrets.devMnemonic,
    mode: 'command',
    // Created by this command (no `medproof start` yet): the same registry a first start would deploy.
    ...(config.registryVersion === '2' ? { institution: institutionOf(config, secrets) } : {}),
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

/**
 * The registry's version from its code; 1 when the code is not one we know, so the v1 call itself
 * reports what is wrong (as before v2 existed).
 */
export async function registryVersionFor(c: CommandChain): Promise<RegistryVersion> {
  try {
    return await checkRegistryCode(c.conn, requireRegistry(c));
  } catch (error) {
    if (error instanceof MedproofError && error.code === 'NO_REGISTRY') throw error;
    return 1;
  }
}

/** Refuses `what` on a registry v2, which has no ISSUER_ROLE (issuers hold terms). */
export async function requireRegistryV1(c: CommandChain, what: string): Promise<void> {
  if ((await registryVersionFor(c)) === 2)
    throw new MedproofError(
      'REGISTRY_V1_ONLY',
      `${what} writes registry v1; ${requireRegistry(c)} is registry v2, where issuers hold terms (medproof issuer enroll)`,
    );
}

/** Refuses `what` on anything but a registry v2 (issuer terms, registrar and revoker roles). */
export async function requireRegistryV2(c: CommandChain, what: string): Promise<void> {
  if ((await registryVersionFor(c)) !== 2)
    throw new MedproofError(
      'REGISTRY_V2_ONLY',
      `${what} needs registry v2; ${requireRegistry(c)} is not one (deploy one with medproof deploy)`,
    );
}

export function requireSigner(c: CommandChain): LocalAccount {
  if (!c.signer)
    throw new MedproofError(
      'NO_KEY',
      'this command signs a transaction: pass --key HEX (or set MEDPROOF_KEY)',
    );
  return c.signer;
}
