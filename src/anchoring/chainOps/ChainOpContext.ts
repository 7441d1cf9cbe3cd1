import type { Address, LocalAccount } from 'viem';
import type { ChainConnection, RegistryVersion } from '../../chain/index.js';
import type { RegistryReader } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import type { Db } from '../../store/index.js';

/** What every chain-operation step works with. `account` is the admin key, never the anchoring engine's. */
export interface ChainOpContext {
  readonly db: Db;
  readonly conn: ChainConnection;
  readonly registry: Address;
  /** Which calls carry out an operation: v1's roles, or v2's issuer terms and proven revocations. */
  readonly registryVersion: RegistryVersion;
  readonly account: LocalAccount;
  readonly log: Logger;
  readonly reader: RegistryReader;
  /** When this process last broadcast each operation's transaction: not re-sent more often than that. */
  readonly lastBroadcast: Map<number, number>;
}
