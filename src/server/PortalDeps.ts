import type { Address } from 'viem';
import type { AnchorEngine, ChainOpsWorker } from '../anchoring/index.js';
import type { ChainConnection, RegistryVersion, VersionedReader } from '../chain/index.js';
import type { Config } from '../config/index.js';
import type { Institution } from '../core/index.js';
import type { Logger } from '../log/index.js';
import type { AuditWriter, BlobStore, Db, Repositories } from '../store/index.js';
import type { TtlCache } from './verify/TtlCache.js';
import type { PortalVerification } from './verify/PortalVerification.js';

/** Everything the portal's routes use, built once by startSystem (or a test). */
export interface PortalDeps {
  readonly config: Config;
  readonly db: Db;
  readonly blobs: BlobStore;
  readonly masterKey: Uint8Array;
  readonly patientRefSecret: Uint8Array;
  readonly chain: {
    readonly conn: ChainConnection;
    readonly registry: Address;
    /** Reads both registry versions; `checkV2` is there on a v2 registry. */
    readonly reader: VersionedReader;
    /** v2: the portal hands out v2 receipts carrying the issuer's profile and the institution. */
    readonly registryVersion: RegistryVersion;
    readonly institution: Institution;
  };
  /** Answers for documents this portal issued, reused as long as the chain reads behind them are. */
  readonly verifications: TtlCache<PortalVerification>;
  readonly engine: AnchorEngine;
  readonly chainOps: ChainOpsWorker;
  /** Whether this replica runs the writers now (the writer lease); absent: a lone process, always. */
  readonly writer?: { readonly leading: boolean; readonly holder?: string };
  /** Group-committed audit rows for events that are their own transaction. */
  readonly audit: AuditWriter;
  /** The only way routes read and change data: access rules, guarded state changes and audit rows live there. */
  readonly repos: Repositories;
  readonly log: Logger;
  /** The notification worker: told when a route queued messages, so they go out now. */
  readonly notifications: { kick(): void };
}
