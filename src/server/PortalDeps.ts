import type { Address } from 'viem';
import type { AnchorEngine } from '../anchoring/AnchorEngine.js';
import type { ChainOpsWorker } from '../anchoring/ChainOpsWorker.js';
import type { ChainConnection } from '../chain/connectChain.js';
import type { Config } from '../config/loadConfig.js';
import type { RegistryReader } from '../core/verify/types.js';
import type { Logger } from '../log/createLogger.js';
import type { FsBlobStore } from '../store/blobs/FsBlobStore.js';
import type { AuditWriter } from '../store/audit/AuditWriter.js';
import type { Db } from '../store/db/Db.js';
import type { TtlCache } from './verify/TtlCache.js';
import type { PortalVerification } from './verify/verifyKnownDocument.js';

/** Everything the portal's routes use, built once by startSystem (or a test). */
export interface PortalDeps {
  readonly config: Config;
  readonly db: Db;
  readonly blobs: FsBlobStore;
  readonly masterKey: Uint8Array;
  readonly patientRefSecret: Uint8Array;
  readonly chain: {
    readonly conn: ChainConnection;
    readonly registry: Address;
    readonly reader: RegistryReader;
  };
  /** Answers for documents this portal issued, reused as long as the chain reads behind them are. */
  readonly verifications: TtlCache<PortalVerification>;
  readonly engine: AnchorEngine;
  readonly chainOps: ChainOpsWorker;
  /** Group-committed audit rows for events that are their own transaction. */
  readonly audit: AuditWriter;
  readonly log: Logger;
}
