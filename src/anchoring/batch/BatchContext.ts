import type { Address, LocalAccount } from 'viem';
import type { ChainConnection, RegistryVersion } from '../../chain/index.js';
import type { RegistryReader } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import type { Db } from '../../store/index.js';
import type { EngineSettings } from '../EngineSettings.js';

/** What every batch step works with: one engine's database, chain, registry and sending account. */
export interface BatchContext {
  readonly db: Db;
  readonly conn: ChainConnection;
  readonly registry: Address;
  /** v2 judges issuers by their terms on chain at anchoring time (see buildDueBatch). */
  readonly registryVersion: RegistryVersion;
  readonly account: LocalAccount;
  readonly settings: Required<EngineSettings>;
  readonly log: Logger;
  readonly reader: RegistryReader;
  /** When this process last broadcast each batch's transaction: a receipt is not expected sooner. */
  readonly lastBroadcast: Map<number, number>;
}
