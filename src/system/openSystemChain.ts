import type { Address, Hex, LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  checkRegistryCode,
  connectChain,
  openEmbeddedChain,
  type ChainConnection,
  type EmbeddedChain,
  type RegistryVersion,
} from '../chain/index.js';
import { institutionOf, type Config, type Secrets } from '../config/index.js';
import { MedproofError, isMedproofError, type Institution } from '../core/index.js';

export interface SystemChain {
  readonly conn: ChainConnection;
  readonly registry: Address;
  /** Sends the anchoring engine's transactions: one writer per account. */
  readonly anchorer: LocalAccount;
  /** Grants ISSUER_ROLE and revokes documents for the portal; absent on an external chain without MEDPROOF_KEY. */
  readonly admin: LocalAccount | undefined;
  /** Set when this process runs the chain node itself. */
  readonly embedded: EmbeddedChain | undefined;
  /** v2 for new embedded chains and v2 registries; v1 registries keep v1 anchors and receipts. */
  readonly registryVersion: RegistryVersion;
  /**
   * What v2 receipts carry and the registry commits to (unused on v1). Not checked here: the caller
   * checks it (checkInstitution) once it knows the secrets are the database's, since with another set
   * the salt differs too and SECRETS_MISMATCH is the error that says what to fix.
   */
  readonly institution: Institution;
}

/**
 * The chain `medproof start` uses: the configured JSON-RPC endpoint (with its registry and keys),
 * or else the data folder's embedded node, started and owned for the life of the process.
 */
export async function openSystemChain(config: Config, secrets: Secrets): Promise<SystemChain> {
  const institution = institutionOf(config, secrets);
  if (config.rpcUrl) {
    if (!config.registry) {
      throw new MedproofError(
        'NO_REGISTRY',
        'with an RPC URL, set the registry address too (MEDPROOF_REGISTRY; `medproof deploy` prints one)',
      );
    }
    const anchorer = anchoringAccount(config.anchorKey, config.key);
    const conn = await connectChain(config.rpcUrl, { retryCount: 0 });
    const registryVersion = await versionOrV1(conn, config.registry);
    return {
      conn,
      registry: config.registry,
      anchorer,
      admin: config.key ? privateKeyToAccount(config.key) : undefined,
      embedded: undefined,
      registryVersion,
      institution,
    };
  }
  const embedded = await openEmbeddedChain({
    dataDir: config.dataDir,
    kind: config.node,
    mnemonic: secrets.devMnemonic,
    mode: 'serve',
    port: config.nodePort,
    // A first start deploys registry v2 for this institution; an older data folder keeps its v1.
    ...(config.registryVersion === '2' ? { institution } : {}),
  });
  // The dev admin and the dev anchorer are different accounts; keys given in the config must keep it so.
  const anchorer = config.anchorKey ? privateKeyToAccount(config.anchorKey) : embedded.anchorer;
  const admin = config.key ? privateKeyToAccount(config.key) : embedded.admin;
  if (anchorer.address === admin.address) {
    await embedded.close();
    throw sameAccount();
  }
  return {
    conn: embedded.conn,
    registry: embedded.registry,
    anchorer,
    admin,
    embedded,
    registryVersion: embedded.registryVersion,
    institution,
  };
}

/**
 * The external registry's version from its code. A registry that is not there (yet, or any more) is
 * taken as v1 here: the engine's own chain check then pauses anchoring with CHAIN_MISMATCH, as before.
 */
async function versionOrV1(conn: ChainConnection, registry: Address): Promise<RegistryVersion> {
  try {
    return await checkRegistryCode(conn, registry);
  } catch (error) {
    if (isMedproofError(error, 'CHAIN_MISMATCH')) return 1;
    throw error;
  }
}

/**
 * The engine's account on an external chain. The engine and the chain-operations worker (admin key)
 * each own their account's nonces: signing from one account at once, each would take nonces the
 * other thinks are free, and transactions would replace or block each other. So the anchoring key
 * must be its own: refused at start when it is missing beside MEDPROOF_KEY, or equal to it.
 */
function anchoringAccount(anchorKey: Hex | undefined, key: Hex | undefined): LocalAccount {
  if (!anchorKey && !key)
    throw new MedproofError('NO_KEY', 'with an RPC URL, set the anchoring key (MEDPROOF_ANCHOR_KEY)');
  if (!anchorKey || (key && privateKeyToAccount(anchorKey).address === privateKeyToAccount(key).address))
    throw sameAccount();
  return privateKeyToAccount(anchorKey);
}

const sameAccount = () =>
  new MedproofError(
    'CONFIG_INVALID',
    'MEDPROOF_ANCHOR_KEY must be set, and differ from MEDPROOF_KEY: the anchoring engine and the registry ' +
      'changes (MEDPROOF_KEY) must not sign from one account at once. Use a second funded key and grant it ' +
      'the anchorer role (medproof grant anchorer ADDRESS)',
  );
