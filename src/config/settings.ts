/**
 * Every setting medproof reads, in one table: the README's configuration table mirrors it (a test
 * checks). Precedence: command-line flag > MEDPROOF_* environment variable > `<dataDir>/config.json`
 * > default. Libraries never read the environment; only loadConfig does, once.
 */
export type SettingType =
  'string' | 'int' | 'url' | 'address' | 'key' | 'enum' | 'bool' | 'hostPort' | 'proxies' | 'redisUrl';

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
  blobUrl: {
    env: 'MEDPROOF_BLOB_URL',
    type: 'string',
    secret: true,
    doc: 'Where stored files go: `file:///path` or `s3://bucket/prefix?endpoint=…&region=…`; unset = `blobs/` in the data folder',
  },
  dbConnectTimeoutMs: {
    env: 'MEDPROOF_DB_CONNECT_TIMEOUT_MS',
    type: 'int',
    min: 100,
    max: 600_000,
    default: 5000,
    doc: 'PostgreSQL: longest wait for a connection; past it the request answers 503 `DATABASE_UNAVAILABLE`',
  },
  dbQueryTimeoutMs: {
    env: 'MEDPROOF_DB_QUERY_TIMEOUT_MS',
    type: 'int',
    min: 100,
    max: 3_600_000,
    default: 15_000,
    doc: 'PostgreSQL: longest a statement may run; past it the request answers 503 `DATABASE_UNAVAILABLE`',
  },
  confirmations: {
    env: 'MEDPROOF_CONFIRMATIONS',
    type: 'int',
    min: 1,
    max: 1000,
    default: 1,
    doc: 'Blocks on top of an anchor before it counts as confirmed',
  },
  finalityDepth: {
    env: 'MEDPROOF_FINALITY_DEPTH',
    type: 'int',
    min: 1,
    max: 100_000,
    default: 12,
    doc: "Blocks (the anchor's included) before a confirmed anchor is final and no longer re-checked against the chain; sooner where the chain's finalized block covers it. 12 suits a dev chain or a QBFT network; public proof-of-stake chains finalize in ~64 blocks",
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
  auditAnchorSeconds: {
    env: 'MEDPROOF_AUDIT_ANCHOR_SECONDS',
    type: 'int',
    min: 0,
    max: 604_800,
    default: 3600,
    doc: "How often the audit log's head is committed on chain, as a leaf of the next anchoring batch (when the log moved); `medproof audit verify` then detects a history rewritten before it. 0 = never",
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
    type: 'proxies',
    default: false,
    doc: 'Take the client address from X-Forwarded-For, as set by these proxies: their addresses or CIDRs, comma-separated (e.g. 127.0.0.1,10.0.0.0/8); `true` trusts every hop',
  },
  redisUrl: {
    env: 'MEDPROOF_REDIS_URL',
    type: 'redisUrl',
    secret: true,
    doc: 'Redis for the rate limits replicas share (redis://host:6379/0); unset = in PostgreSQL, or in memory on SQLite',
  },
  maxUploadMb: {
    env: 'MEDPROOF_MAX_UPLOAD_MB',
    type: 'int',
    min: 1,
    max: 10_240,
    default: 100,
    doc: 'Largest document upload, in MiB',
  },
  uploadTimeoutSeconds: {
    env: 'MEDPROOF_UPLOAD_TIMEOUT_SECONDS',
    type: 'int',
    min: 1,
    max: 86_400,
    default: 600,
    doc: 'A request (an upload) must arrive whole within this many seconds, or it is cut off with 408',
  },
  stampMaxMb: {
    env: 'MEDPROOF_STAMP_MAX_MB',
    type: 'int',
    min: 1,
    max: 1024,
    default: 32,
    doc: 'Largest PDF or image upload that gets a verification stamp: stamping holds the whole file in memory (pdf-lib, several times its size while editing); larger ones stream in constant memory and are issued unstamped, and the answer says so',
  },
  minFreeMb: {
    env: 'MEDPROOF_MIN_FREE_MB',
    type: 'int',
    min: 0,
    max: 100_000_000,
    default: 512,
    doc: 'Below this many MiB free under the blob folder, `/health` reports storage down and uploads answer 507 (a folder store; a bucket has no floor)',
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
  publicRpcUrl: {
    env: 'MEDPROOF_PUBLIC_RPC_URL',
    type: 'url',
    doc: "The chain's public JSON-RPC URL that browsers verify against (http or https); default: the portal's read-only proxy, PUBLIC_URL/rpc",
  },
  dohUrl: {
    env: 'MEDPROOF_DOH_URL',
    type: 'string',
    default: 'https://cloudflare-dns.com/dns-query',
    doc: "DNS-over-HTTPS resolver (RFC 8484 JSON, `?name=…&type=TXT`) browsers ask for the institution's TXT record; `off`: browsers do not check it (SKIPPED)",
  },
  masterKey: {
    env: 'MEDPROOF_MASTER_KEY',
    type: 'key',
    secret: true,
    doc: "Master key (32-byte hex) wrapping each stored file's key; default: created in secrets.json at first start",
  },
  secretsFile: {
    env: 'MEDPROOF_SECRETS_FILE',
    type: 'string',
    doc: "JSON file with `patientRefSecret` and `masterKey` (64 hex digits each) shared by every replica; default: the data folder's secrets.json",
  },
  patientRefSecret: {
    env: 'MEDPROOF_PATIENT_REF_SECRET',
    type: 'key',
    secret: true,
    doc: 'Secret (32-byte hex) keying the patientRef HMAC; every replica needs the same one; default: MEDPROOF_SECRETS_FILE, else secrets.json',
  },
  leaderLeaseMs: {
    env: 'MEDPROOF_LEADER_LEASE_MS',
    type: 'int',
    min: 1000,
    max: 600_000,
    default: 10_000,
    doc: 'PostgreSQL: the writer lease (anchoring engine, chain-operations worker) runs out this long after its holder stops renewing it; another replica takes over within about 1.2 times this',
  },
  replicaId: {
    env: 'MEDPROOF_REPLICA_ID',
    type: 'string',
    doc: "This process's name in the writer lease and `/health`; default: host name, pid and a random suffix",
  },
  metricsToken: {
    env: 'MEDPROOF_METRICS_TOKEN',
    type: 'string',
    secret: true,
    doc: 'Bearer token a Prometheus scraper sends to `GET /metrics`; unset = `/metrics` answers only direct requests from this machine (127.0.0.1 or ::1, no proxy header), 404 to anyone else',
  },
  trustList: {
    flag: '--trust-list',
    env: 'MEDPROOF_TRUST_LIST',
    type: 'string',
    doc: 'Trust list file (JSON: registries on chains, each with its institution) a verifier trusts besides the configured registry',
  },
  dnsServer: {
    flag: '--dns-server',
    env: 'MEDPROOF_DNS_SERVER',
    type: 'hostPort',
    doc: "DNS server (HOST:PORT) for the institution's TXT record when verifying v2 receipts; default: the system's",
  },
  registryVersion: {
    env: 'MEDPROOF_REGISTRY_VERSION',
    type: 'enum',
    values: ['2', '1'],
    default: '2',
    doc: 'Registry contract a first start or `medproof deploy` deploys: 2 (issuer terms, proven revocation, v2 receipts) or 1 (the older registry). An existing registry is used as it is, whichever it is',
  },
  institutionName: {
    env: 'MEDPROOF_INSTITUTION_NAME',
    type: 'string',
    default: 'medproof development hospital',
    doc: "The institution's public name: committed in registry v2 (with the domain), shown by verifiers in every v2 receipt, on the letterhead of rendered certificates and on the stamp's verification page",
  },
  institutionDomain: {
    env: 'MEDPROOF_INSTITUTION_DOMAIN',
    type: 'string',
    default: 'medproof.localhost',
    doc: "The institution's DNS domain (lower case), committed in registry v2; publish `medproof chain=<id> registry=<address>` as its TXT record",
  },
  smtpHost: {
    env: 'MEDPROOF_SMTP_HOST',
    type: 'string',
    doc: 'Mail server for one-time links and notifications; unset = development: mails are written to the log',
  },
  smtpPort: {
    env: 'MEDPROOF_SMTP_PORT',
    type: 'int',
    min: 1,
    max: 65535,
    default: 587,
    doc: 'Port of the mail server (587 submission with STARTTLS when offered, 465 with `MEDPROOF_SMTP_SECURE`)',
  },
  smtpSecure: {
    env: 'MEDPROOF_SMTP_SECURE',
    type: 'bool',
    default: false,
    doc: 'TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it',
  },
  smtpFrom: {
    env: 'MEDPROOF_SMTP_FROM',
    type: 'string',
    default: 'medproof <no-reply@localhost>',
    doc: 'Sender of every mail',
  },
  smtpUser: {
    env: 'MEDPROOF_SMTP_USER',
    type: 'string',
    doc: 'User name at the mail server, if it asks for one',
  },
  smtpPassword: {
    env: 'MEDPROOF_SMTP_PASSWORD',
    type: 'string',
    secret: true,
    doc: 'Password at the mail server',
  },
  smsProvider: {
    env: 'MEDPROOF_SMS_PROVIDER',
    type: 'enum',
    values: ['log'],
    default: 'log',
    doc: 'Who delivers one-time codes and invitations to patient ids: `log` (development: written to the log); a real provider is passed to startSystem',
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
