/**
 * Every stable code medproof produces, as data: where it can appear, the HTTP status the API answers
 * it with, the CLI's exit code, and one line for people. The README's error tables are generated from
 * this (`npm run docs`) and a test fails when they differ, so code and docs cannot drift apart.
 *
 * Published codes never change meaning and are never renamed: add a new code instead. Pure data, no
 * imports, so the browser UI can use it too.
 */

/** The parts of medproof a code can come from. */
export type ErrorWhere = 'verify' | 'CLI' | 'engine' | 'API' | 'core' | 'store' | 'start' | 'audit';

export interface ErrorCatalogEntry {
  readonly where: readonly ErrorWhere[];
  /** The status the API answers with; present exactly when `where` includes 'API'. */
  readonly http?: number;
  /** The CLI's exit code: 0 done or VALID, 1 checked and not valid, 2 could not do it or could not check. */
  readonly exit?: 0 | 1 | 2;
  readonly meaning: string;
}

export const ERROR_CATALOG = {
  // Verification verdicts and the checks' codes.
  VALID: { where: ['verify'], exit: 0, meaning: 'every check passed' },
  TAMPERED: {
    where: ['verify'],
    exit: 1,
    meaning:
      "the file's SHA-256 differs from the receipt's, or the receipt was edited (leaf, proof, or a transaction or block that did not anchor its root)",
  },
  NOT_ANCHORED: { where: ['verify'], exit: 1, meaning: "the registry has no record of the receipt's root" },
  PENDING: { where: ['verify'], exit: 1, meaning: 'known but not anchored yet' },
  REVOKED: { where: ['verify'], exit: 1, meaning: 'the issuer revoked the document (reason attached)' },
  UNKNOWN_ISSUER: {
    where: ['verify'],
    exit: 1,
    meaning:
      'the issuer does not hold `ISSUER_ROLE` in the trusted registry (v2 registry: the address was never enrolled)',
  },
  UNTRUSTED_REGISTRY: {
    where: ['verify'],
    exit: 1,
    meaning: 'the receipt names a registry other than the trusted one (verdict `UNKNOWN_ISSUER`)',
  },
  SUPERSEDED: {
    where: ['verify'],
    exit: 1,
    meaning:
      'revoked because a newer version replaces it; the message names the successor leaf (verdict `REVOKED`)',
  },
  ISSUER_NOT_ACTIVE: {
    where: ['verify'],
    exit: 1,
    meaning:
      "anchored when no term of the issuer's covered it, e.g. after retirement (verdict `UNKNOWN_ISSUER`)",
  },
  ISSUER_COMPROMISED: {
    where: ['verify'],
    exit: 1,
    meaning:
      "anchored at or after the point from which the issuer's key is reported compromised (verdict `UNKNOWN_ISSUER`)",
  },
  ISSUER_SIGNATURE_INVALID: {
    where: ['verify'],
    exit: 1,
    meaning:
      "the issuer's term lists passkeys, but no valid signature by one of them covers the leaf: the doctor did not sign it, whoever anchored it (verdict `UNKNOWN_ISSUER`)",
  },
  UNSIGNED: {
    where: ['verify'],
    meaning:
      "the document is valid but not signed by the doctor's passkey (a v1 receipt, or a term listing no passkey); the result says so",
  },
  DNS_NOT_FOUND: {
    where: ['verify'],
    exit: 1,
    meaning: "the institution's domain has no `medproof chain=… registry=…` TXT record",
  },
  DNS_MISMATCH: {
    where: ['verify'],
    exit: 1,
    meaning: "the institution's domain has a medproof TXT record, but for another chain or registry",
  },
  DNS_UNREACHABLE: {
    where: ['verify'],
    exit: 2,
    meaning: "the institution's domain could not be looked up (DNS server down, timeout)",
  },
  ERROR: { where: ['verify'], exit: 2, meaning: "could not check; the check's code says why" },
  CHAIN_UNREACHABLE: {
    where: ['verify', 'CLI', 'engine', 'API'],
    http: 503,
    exit: 2,
    meaning: 'the chain endpoint did not answer (API: `Retry-After`; nothing was stored)',
  },
  WRONG_CHAIN: {
    where: ['verify', 'CLI'],
    exit: 2,
    meaning: 'the endpoint serves a different chain than the receipt names',
  },
  MALFORMED_TRUST_LIST: {
    where: ['CLI'],
    exit: 2,
    meaning: 'the trust list is not JSON or breaks its schema (the field is named)',
  },
  TRUST_LIST_NOT_FOUND: { where: ['CLI'], exit: 2, meaning: 'the trust list file could not be read' },
  MALFORMED_RECEIPT: {
    where: ['verify', 'CLI'],
    exit: 2,
    meaning: 'the receipt is not JSON or breaks the schema (the field is named)',
  },
  UNSUPPORTED_RECEIPT_VERSION: {
    where: ['verify', 'CLI'],
    exit: 2,
    meaning: 'a receipt version this build does not read',
  },
  INCOMPLETE: {
    where: ['verify'],
    exit: 2,
    meaning: 'a required check did not run (never reported as valid)',
  },

  // Chain, registry and the anchoring engine.
  CHAIN_MISMATCH: {
    where: ['start', 'engine'],
    exit: 2,
    meaning: "the registry's code is missing or different on this chain (reset chain, wrong chain)",
  },
  CHAIN_ERROR: { where: ['CLI'], exit: 2, meaning: 'the node rejected a request for another reason' },
  CONTRACT_REVERTED: {
    where: ['CLI'],
    exit: 2,
    meaning: 'the registry refused, with its decoded error (e.g. `RootAlreadyAnchored(0x…)`)',
  },
  REGISTRY_V1_ONLY: {
    where: ['CLI'],
    exit: 2,
    meaning:
      'the write exists only on registry v1 (ISSUER_ROLE); on registry v2 an issuer holds a term (`medproof issuer enroll`)',
  },
  REGISTRY_V2_ONLY: {
    where: ['CLI'],
    exit: 2,
    meaning:
      'the write exists only on registry v2 (issuer terms, the registrar and revoker roles, `--superseded-by`)',
  },
  PROFILE_REQUIRED: {
    where: ['CLI'],
    exit: 2,
    meaning:
      "`anchor` on registry v2: a v2 receipt carries the issuer's profile; pass `--profile profile.json` (as `issuer enroll` wrote it)",
  },
  PROFILE_MISMATCH: {
    where: ['CLI'],
    exit: 2,
    meaning:
      "the profile is not the one the issuer's open term on chain commits to (or the issuer has no open term)",
  },
  INSTITUTION_MISMATCH: {
    where: ['CLI'],
    exit: 2,
    meaning:
      'the institution (name, domain, salt) is not the one the registry commits to; pass `--institution institution.json`',
  },
  MALFORMED_IDENTITY: {
    where: ['CLI'],
    exit: 2,
    meaning: 'a `--profile` or `--institution` file is missing, not JSON or breaks its schema',
  },
  BAD_TIME: {
    where: ['CLI'],
    exit: 2,
    meaning: 'not a time: unix seconds or an ISO 8601 date-time, not in the future',
  },
  INSUFFICIENT_FUNDS: {
    where: ['CLI', 'engine'],
    exit: 2,
    meaning: 'the signing account cannot pay for gas; the engine waits and retries',
  },
  ANCHORER_UNAUTHORIZED: {
    where: ['engine'],
    meaning: "the engine's account lacks `ANCHORER_ROLE`; waits for `medproof grant anchorer`",
  },
  ANCHOR_REJECTED: {
    where: ['engine'],
    meaning: 'the contract would reject the batch (decoded); batch `failed`',
  },
  ANCHOR_REVERTED: {
    where: ['engine'],
    meaning: 'the anchor transaction reverted (decoded); batch `failed`',
  },
  REANCHOR: { where: ['engine'], meaning: 'the chain lost this anchor; sent again with the same root' },
  REANCHORED: {
    where: ['verify'],
    meaning:
      "the receipt's transaction is unknown to the chain, but the registry holds its root and emitted `Anchored(root)` in the block it names (the anchor was sent again with the same root after the chain lost it): the check passes; a root with no such event was written into storage, not anchored, and is `TAMPERED`",
  },
  NOTIFY_SEND_FAILED: {
    where: ['engine'],
    meaning: 'the mail server or SMS provider did not take a message: it stays in the outbox and is retried',
  },
  RATE_LIMIT_STORE_DOWN: {
    where: ['engine'],
    meaning:
      'Redis (MEDPROOF_REDIS_URL) is unreachable: requests pass uncounted until it is back (logged once per outage)',
  },
  NOTIFY_ERROR: {
    where: ['engine'],
    meaning: 'an unexpected error in the notification worker (logged; retried)',
  },
  ENGINE_ERROR: { where: ['engine'], meaning: 'an unexpected error in a step (logged; retried)' },
  AUDIT_HEAD_MISMATCH: {
    where: ['audit', 'CLI'],
    exit: 1,
    meaning:
      '`audit verify`: the audit log no longer holds the head that was anchored on chain (a row at or before it was deleted, edited or inserted, and the later hashes recomputed)',
  },
  AUDIT_HEAD_NOT_ANCHORED: {
    where: ['audit', 'CLI'],
    exit: 1,
    meaning:
      '`audit verify`: the audit head recorded as anchored is not on chain (its proof does not lead to its root, or the registry has no record of the root)',
  },
  LEASE_LOST: {
    where: ['engine'],
    meaning:
      'this replica no longer holds the writer lease: its step was not committed, and its workers stop (another replica leads)',
  },
  DEPLOY_FAILED: { where: ['CLI'], exit: 2, meaning: 'the registry deployment reverted' },

  // The CLI's own input and the data folder.
  NO_CHAIN: { where: ['CLI'], exit: 2, meaning: 'no `--rpc` and no embedded chain in the data folder' },
  NO_REGISTRY: {
    where: ['CLI', 'start'],
    exit: 2,
    meaning: 'an external chain needs `--registry` / `MEDPROOF_REGISTRY`',
  },
  NO_KEY: {
    where: ['CLI', 'start'],
    exit: 2,
    meaning: 'a write needs `--key` / `MEDPROOF_KEY` (or `MEDPROOF_ANCHOR_KEY`)',
  },
  FILE_NOT_FOUND: { where: ['CLI'], exit: 2, meaning: 'the file does not exist' },
  FILE_UNREADABLE: { where: ['CLI'], exit: 2, meaning: 'a directory, or no permission' },
  RECEIPT_NOT_FOUND: { where: ['CLI'], exit: 2, meaning: 'the receipt file does not exist' },
  FILE_UNWRITABLE: {
    where: ['CLI'],
    exit: 2,
    meaning: 'the output file cannot be written (no such folder, or no permission)',
  },
  NOT_BUILT: {
    where: ['CLI'],
    exit: 2,
    meaning: 'a part the command prints is not built (the standalone verifier page): run `npm run build`',
  },
  RECEIPT_EXISTS: { where: ['CLI'], exit: 2, meaning: '`anchor` would overwrite a receipt (use `--force`)' },
  PATIENT_ID_INVALID: {
    where: ['CLI', 'core', 'API'],
    http: 400,
    exit: 2,
    meaning: 'not a valid Aadhaar, ABHA or mobile number (the message says why)',
  },
  BAD_DOC_TYPE: {
    where: ['CLI', 'core', 'API'],
    http: 400,
    exit: 2,
    meaning: 'document type must be a lower-case identifier',
  },
  BAD_REASON: { where: ['CLI'], exit: 2, meaning: 'unknown revocation reason' },
  BAD_ROLE: {
    where: ['CLI'],
    exit: 2,
    meaning: 'role must be admin, anchorer and issuer (v1) or registrar and revoker (v2)',
  },
  BAD_ADDRESS: { where: ['CLI'], exit: 2, meaning: 'not an Ethereum address' },
  NO_PASSWORD: { where: ['CLI'], exit: 2, meaning: '`user add`: no password on stdin' },
  BAD_EMAIL: { where: ['CLI', 'API'], http: 400, exit: 2, meaning: 'not an email address' },
  BAD_REGISTRATION: { where: ['CLI'], exit: 2, meaning: '`user add`: a doctor needs `--registration`' },

  // Starting: settings, secrets, the embedded node, the database.
  CONFIG_INVALID: {
    where: ['start', 'CLI'],
    exit: 2,
    meaning: 'a setting is invalid (its source is named; secrets are not shown)',
  },
  SECRETS_INVALID: { where: ['start', 'CLI'], exit: 2, meaning: '`secrets.json` is damaged' },
  SECRETS_MISMATCH: {
    where: ['start'],
    exit: 2,
    meaning:
      'the patientRef secret or master key differs from the one the database was created with (give every replica the same `MEDPROOF_SECRETS_FILE` or secrets in the environment)',
  },
  DATABASE_IN_USE: {
    where: ['start'],
    exit: 2,
    meaning:
      'another `medproof start` has this SQLite database open (SQLite is single-process; use PostgreSQL for several replicas)',
  },
  DATA_DIR_BUSY: { where: ['start', 'CLI'], exit: 2, meaning: "another process owns the data folder's node" },
  NODE_START_FAILED: {
    where: ['start', 'CLI'],
    exit: 2,
    meaning: 'the embedded node did not start (port taken?)',
  },
  NODE_UNAVAILABLE: { where: ['start', 'CLI'], exit: 2, meaning: 'no anvil binary for this platform' },
  NODE_DIED: {
    where: ['start'],
    exit: 2,
    meaning:
      'the embedded node kept dying (more than 5 restarts in 60 s) or could not be restarted: `medproof start` stopped, for its service manager to restart it',
  },
  DB_MIGRATION_FAILED: {
    where: ['start'],
    exit: 2,
    meaning: 'the database schema could not be brought up to date',
  },

  // Bugs in a caller, caught where they happen.
  MERKLE_EMPTY: { where: ['core'], meaning: 'a Merkle tree of no leaves (a bug in the caller)' },
  MERKLE_BAD_LEAF: { where: ['core'], meaning: 'a Merkle leaf that is not 32 bytes (a bug in the caller)' },
  MERKLE_BAD_INDEX: {
    where: ['core'],
    meaning: 'a Merkle proof for a leaf not in the tree (a bug in the caller)',
  },
  BAD_BLOB_KEY: { where: ['store'], meaning: 'a stored-file key that is not a server UUID (a bug)' },
  INTERNAL_ERROR: {
    where: ['CLI', 'API'],
    http: 500,
    exit: 2,
    meaning:
      'an unexpected error: one line (CLI) or a generic 500 with a `correlationId` (API); the log has the rest',
  },
  INTEGRITY_FAILURE: {
    where: ['store', 'audit', 'API'],
    http: 500,
    meaning:
      'a stored file or sealed value failed authentication: never served; the API answers a generic 500 `INTERNAL_ERROR` and writes this to the audit log',
  },
  STORAGE_UNAVAILABLE: {
    where: ['store', 'API'],
    http: 503,
    meaning: 'the file store is down (`Retry-After`); nothing was stored',
  },
  BLOB_STORE_UNAVAILABLE: {
    where: ['store', 'API'],
    http: 503,
    meaning:
      'the S3 blob store (`MEDPROOF_BLOB_URL`) did not answer or failed mid-upload (`Retry-After`); nothing was stored',
  },
  DATABASE_UNAVAILABLE: {
    where: ['store', 'API'],
    http: 503,
    meaning:
      'the database did not answer (refused, cut, hung past its timeout, SQLite busy or failing I/O): `Retry-After`; the process keeps serving and reconnects',
  },
  INSUFFICIENT_STORAGE: {
    where: ['API'],
    http: 507,
    meaning:
      'free space under the file store is below `MEDPROOF_MIN_FREE_MB`: uploads are refused before the disk fills',
  },
  FILE_MISSING: {
    where: ['store', 'API'],
    http: 404,
    meaning: "the document's stored file is gone (the administrators are alerted)",
  },

  // The portal's API.
  VALIDATION_FAILED: { where: ['API'], http: 400, meaning: 'a field breaks the schema; `field` names it' },
  MALFORMED_JSON: { where: ['API'], http: 400, meaning: 'the body is not JSON' },
  MALFORMED_UPLOAD: {
    where: ['API'],
    http: 400,
    meaning:
      'the upload is not well-formed multipart/form-data (no or wrong boundary, truncated, too many parts)',
  },
  BAD_REQUEST: { where: ['API'], http: 400, meaning: 'another malformed request' },
  WEAK_PASSWORD: {
    where: ['API'],
    http: 400,
    meaning: 'under 8 or over 128 characters, one of the 3,000 most common passwords, or the email',
  },
  INVALID_DATE_OF_BIRTH: { where: ['API'], http: 400, meaning: 'not a real past date' },
  EMPTY_FILE: { where: ['API'], http: 400, meaning: 'the uploaded file has no bytes' },
  REQUEST_CLOSED: { where: ['API'], http: 400, meaning: 'the request was issued or rejected already' },
  ALREADY_REVOKED: { where: ['API'], http: 400, meaning: 'the document is revoked already' },
  WRONG_CURRENT_PASSWORD: {
    where: ['API'],
    http: 400,
    meaning:
      'changing the password, or confirming it is you (step-up): the password given is wrong (`field` currentPassword, or password)',
  },
  CODE_INVALID: {
    where: ['API'],
    http: 400,
    meaning: 'the one-time code is wrong, expired or used up (5 tries per code): ask for a new one',
  },
  RESET_LINK_INVALID: {
    where: ['API'],
    http: 400,
    meaning: 'the password reset link is wrong, used or expired: ask for a new one',
  },
  CANNOT_DISABLE_SELF: { where: ['API'], http: 400, meaning: 'an admin cannot disable their own account' },
  AUTH_REQUIRED: {
    where: ['API'],
    http: 401,
    meaning: 'sign in first (also a share link naming a doctor, without a session)',
  },
  INVALID_CREDENTIALS: {
    where: ['API'],
    http: 401,
    meaning: 'email or password is wrong (the same answer for unknown accounts)',
  },
  SHARE_TOKEN_INVALID: {
    where: ['API'],
    http: 401,
    meaning: "the share link's token is malformed or forged",
  },
  FORBIDDEN: { where: ['API'], http: 403, meaning: 'your role may not use this route' },
  CSRF_FAILED: {
    where: ['API'],
    http: 403,
    meaning: 'missing or wrong `x-csrf-token`, or a cross-site `Origin`',
  },
  NOT_ISSUER: { where: ['API'], http: 403, meaning: 'only the issuing doctor can revoke' },
  QUOTA_EXCEEDED: { where: ['API'], http: 403, meaning: "the doctor's document quota is used up" },
  SETUP_TOKEN_INVALID: {
    where: ['API'],
    http: 403,
    meaning: 'the first-start token is wrong, used or expired',
  },
  NOT_FOUND: {
    where: ['API'],
    http: 404,
    meaning:
      'no such thing, or not yours (the same answer); for `POST /api/verify` without a receipt: a hash this portal never issued (verdict `NOT_ANCHORED`)',
  },
  ALREADY_REGISTERED: {
    where: ['API'],
    http: 409,
    meaning:
      'the email has an account (a patient id never answers this: any number of accounts may claim one until one proves it)',
  },
  PATIENT_ID_TAKEN: {
    where: ['API'],
    http: 409,
    meaning:
      'proving a patient id (a right code, or a doctor in person) that another account has proven already; said only to whoever holds the proof',
  },
  SETUP_DONE: { where: ['API'], http: 409, meaning: 'an admin exists already' },
  IDEMPOTENCY_KEY_IN_FLIGHT: {
    where: ['API'],
    http: 409,
    meaning: 'an upload with this `Idempotency-Key` is still being processed: retry when it has finished',
  },
  ANCHOR_PENDING: { where: ['API'], http: 409, meaning: 'no receipt yet: the document is not anchored' },
  SHARE_EXPIRED: { where: ['API'], http: 410, meaning: 'the share link expired' },
  SHARE_USED_UP: { where: ['API'], http: 410, meaning: "the share link's views are used up" },
  FILE_TOO_LARGE: { where: ['API'], http: 413, meaning: 'the upload is over `MEDPROOF_MAX_UPLOAD_MB`' },
  UNSUPPORTED_FILE_TYPE: {
    where: ['API'],
    http: 415,
    meaning: 'not PDF, PNG, JPEG or UTF-8 text, or name, type and content disagree',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    where: ['API'],
    http: 415,
    meaning: "the request's content type is not accepted here",
  },
  HASH_MISMATCH: {
    where: ['API'],
    http: 422,
    meaning: "the file's SHA-256 is not the `sha256` the client sent",
  },
  IDEMPOTENCY_KEY_REUSED: {
    where: ['API'],
    http: 422,
    meaning: 'this `Idempotency-Key` was used for a different upload (another file or other fields)',
  },
  SECOND_FACTOR_REQUIRED: {
    where: ['API'],
    http: 401,
    meaning:
      'a doctor or admin signed in with the password only: a passkey, an authenticator code or a recovery code must follow',
  },
  SECOND_FACTOR_ENROLLMENT_REQUIRED: {
    where: ['API'],
    http: 403,
    meaning:
      'a doctor or admin without a second factor: a passkey or an authenticator app must be set up first',
  },
  SECOND_FACTOR_INVALID: {
    where: ['API'],
    http: 401,
    meaning:
      'the passkey answer, authenticator code or recovery code was not accepted (wrong, used, expired or for another challenge)',
  },
  SIGNATURE_NOT_AWAITED: {
    where: ['API'],
    http: 409,
    meaning:
      'the document is not waiting for its doctor’s passkey signature (signed already, or none is asked)',
  },
  SIGNATURE_REJECTED: {
    where: ['API'],
    http: 422,
    meaning:
      "the passkey signature was not accepted: not by one of the doctor's passkeys listed in their profile, or over another challenge",
  },
  SIGNATURE_REQUIRED: {
    where: ['API'],
    http: 428,
    meaning:
      'the doctor has passkeys: revoking needs a passkey signature over the leaf and reason (options first)',
  },
  LAST_SECOND_FACTOR: {
    where: ['API'],
    http: 409,
    meaning:
      'doctors and admins must keep one passkey or authenticator app: add another before removing this one',
  },
  STEP_UP_REQUIRED: {
    where: ['API'],
    http: 403,
    meaning:
      'adding or removing a passkey or authenticator app, new recovery codes, or resetting someone’s second factors needs a confirmation (password or second factor, `POST /api/me/step-up/…`) from the last 5 minutes',
  },
  CANNOT_RESET_OWN_SECOND_FACTOR: {
    where: ['API'],
    http: 400,
    meaning:
      'an admin cannot reset their own second factors (another admin can; or sign in with a recovery code)',
  },
  TOTP_ALREADY_SET_UP: {
    where: ['API'],
    http: 409,
    meaning: 'an authenticator app is set up already: remove it before setting up another',
  },
  LOGIN_THROTTLED: {
    where: ['API'],
    http: 429,
    meaning: 'too many failed sign-ins for the account or address (`Retry-After` says when to retry)',
  },
  RATE_LIMITED: {
    where: ['API'],
    http: 429,
    meaning: 'too many requests (`Retry-After` says when to retry)',
  },
} as const satisfies Record<string, ErrorCatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, code);
}

/** The API's status for a code, or undefined when the API never answers it. */
export function httpStatusOf(code: string): number | undefined {
  if (!isErrorCode(code)) return undefined;
  const entry: ErrorCatalogEntry = ERROR_CATALOG[code];
  return entry.http;
}

/** The CLI's exit code for a code: the catalog's, else 2 (could not do it). */
export function exitCodeOf(code: string): 0 | 1 | 2 {
  if (!isErrorCode(code)) return 2;
  const entry: ErrorCatalogEntry = ERROR_CATALOG[code];
  return entry.exit ?? 2;
}
