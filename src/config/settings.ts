/**
 * Every setting medproof reads, in one table: the README's configuration table mirrors it (a test
 * checks). Precedence: command-line flag > MEDPROOF_* environment variable > `<dataDir>/config.json`
 * > default. Libraries never read the environment; only loadConfig does, once.
 */
export type SettingType = 'string' | 'int' | 'url' | 'address' | 'key' | 'enum' | 'bool';

export interface Setting {
  readonly env: string;
  /** The command-line flag that sets it, where there is one. */
  readonly flag?: string;
  readonly type: SettingType;
  readonly doc: string;
  readonly default?: string | number | boolean;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Never printed, never logged. */
  readonly secret?: boolean;
}

export const SETTINGS = {
  dataDir: {
    flag: '--data-dir',
    env: 'MEDPROOF_DATA_DIR',
    type: 'string',
    default: './medproof-data',
    doc: 'Folder for the database, blobs, secrets and the embedded chain',
  },
  node: {
    flag: '--node',
    env: 'MEDPROOF_NODE',
    type: 'enum',
    values: ['anvil', 'ganache'],
    default: 'anvil',
    doc: 'Embedded chain node, used when no RPC URL is set',
  },
  nodePort: {
    flag: '--node-port',
    env: 'MEDPROOF_NODE_PORT',
    type: 'int',
    min: 1,
    max: 65535,
    default: 8545,
    doc: 'Port of the embedded chain node (127.0.0.1)',
  },
  rpcUrl: {
    flag: '--rpc',
    env: 'MEDPROOF_RPC_URL',
    type: 'url',
    doc: 'Any EVM JSON-RPC endpoint (testnet, L2, Besu); unset = embedded node',
  },
  registry: {
    flag: '--registry',
    env: 'MEDPROOF_REGISTRY',
    type: 'address',
    doc: 'Registry contract address on that chain (`medproof deploy` prints it)',
  },
  key: {
    flag: '--key',
    env: 'MEDPROOF_KEY',
    type: 'key',
    secret: true,
    doc: 'Private key for CLI writes (deploy, grant, anchor, revoke); embedded: the dev admin',
  },
  anchorKey: {
    env: 'MEDPROOF_ANCHOR_KEY',
    type: 'key',
    secret: true,
    doc: 'Private key of the anchoring engine (needs ANCHORER_ROLE); default: MEDPROOF_KEY',
  },
  databaseUrl: {
    env: 'MEDPROOF_DATABASE_URL',
    type: 'string',
    secret: true,
    doc: 'postgres://user:pass@host/db for PostgreSQL; unset = SQLite file in the data folder',
  },
  confirmations: {
    env: 'MEDPROOF_CONFIRMATIONS',
    type: 'int',
    min: 1,
    max: 1000,
    default: 1,
    doc: 'Blocks on top of an anchor before it counts as confirmed',
  },
  batchMax: {
    env: 'MEDPROOF_BATCH_MAX',
    type: 'int',
    min: 1,
    max: 65536,
    default: 256,
    doc: 'Most documents per anchored Merkle root (1 = one transaction per document, as in the paper)',
  },
  batchWaitMs: {
    env: 'MEDPROOF_BATCH_WAIT_MS',
    type: 'int',
    min: 0,
    max: 86_400_000,
    default: 0,
    doc: 'Longest a document waits for its batch to fill; 0 = send at once (batches still form while a transaction is in flight)',
  },
  pollMs: {
    env: 'MEDPROOF_POLL_MS',
    type: 'int',
    min: 10,
    max: 60_000,
    default: 1000,
    doc: 'Longest pause between checks for a transaction receipt',
  },
  replaceAfterMs: {
    env: 'MEDPROOF_REPLACE_AFTER_MS',
    type: 'int',
    min: 1000,
    max: 86_400_000,
    default: 120_000,
    doc: 'A transaction pending this long is re-sent at the same nonce with a higher fee',
  },
  host: {
    env: 'MEDPROOF_HOST',
    type: 'string',
    default: '127.0.0.1',
    doc: 'Address the portal listens on (0.0.0.0 to serve beyond this machine, behind TLS)',
  },
  port: {
    flag: '--port',
    env: 'MEDPROOF_PORT',
    type: 'int',
    min: 0,
    max: 65535,
    default: 3000,
    doc: 'Port of the portal (web UI and API)',
  },
  publicUrl: {
    env: 'MEDPROOF_PUBLIC_URL',
    type: 'url',
    doc: "The portal's address as browsers reach it, for share links and the Origin check; default http://HOST:PORT",
  },
  trustProxy: {
    env: 'MEDPROOF_TRUST_PROXY',
    type: 'bool',
    default: false,
    doc: 'Take the client address from X-Forwarded-For (only behind your own TLS proxy)',
  },
  maxUploadMb: {
    env: 'MEDPROOF_MAX_UPLOAD_MB',
    type: 'int',
    min: 1,
    max: 10_240,
    default: 100,
    doc: 'Largest document upload, in MiB',
  },
  quotaDocuments: {
    env: 'MEDPROOF_QUOTA_DOCUMENTS',
    type: 'int',
    min: 1,
    max: 100_000_000,
    default: 100_000,
    doc: 'Most documents one doctor may issue',
  },
  quotaMb: {
    env: 'MEDPROOF_QUOTA_MB',
    type: 'int',
    min: 1,
    max: 100_000_000,
    default: 102_400,
    doc: 'Most MiB of documents one doctor may issue',
  },
  sessionIdleMinutes: {
    env: 'MEDPROOF_SESSION_IDLE_MINUTES',
    type: 'int',
    min: 1,
    max: 15,
    default: 15,
    doc: 'Sign out after this many minutes without activity (at most 15)',
  },
  sessionHours: {
    env: 'MEDPROOF_SESSION_HOURS',
    type: 'int',
    min: 1,
    max: 24,
    default: 12,
    doc: 'Sign out this many hours after sign-in',
  },
  verifyRatePerMinute: {
    env: 'MEDPROOF_VERIFY_RATE_PER_MINUTE',
    type: 'int',
    min: 1,
    max: 10_000_000,
    default: 600,
    doc: 'Public verifications allowed per client address per minute',
  },
  chainCacheMs: {
    env: 'MEDPROOF_CHAIN_CACHE_MS',
    type: 'int',
    min: 0,
    max: 60_000,
    default: 1000,
    doc: 'The portal reuses a chain read for this long when verifying (0 = read every time)',
  },
  masterKey: {
    env: 'MEDPROOF_MASTER_KEY',
    type: 'key',
    secret: true,
    doc: "Master key (32-byte hex) wrapping each stored file's key; default: created in secrets.json at first start",
  },
  logLevel: {
    env: 'MEDPROOF_LOG_LEVEL',
    type: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
    doc: 'Log level (logs go to stderr as JSON lines)',
  },
} as const satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;
