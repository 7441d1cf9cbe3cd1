/** Socket errors that mean the database server cannot be reached or dropped us. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * PostgreSQL SQLSTATEs of an unavailable server: class 08 (connection exception), 57P01
 * admin_shutdown (pg_terminate_backend, a restart), 57P02 crash_shutdown, 57P03 cannot_connect_now
 * (starting up, in recovery) and 57014 query_canceled (our statement_timeout fired).
 */
const PG_STATE = /^(08...|57P0[123]|57014)$/;

/** node-postgres' own messages for a lost, refused or timed-out connection (it sets no code on them). */
const PG_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection ended|Client was closed/i;

/**
 * Outages of other parts, whose socket errors (the S3 store's ECONNREFUSED, a chain node's) ride along
 * as their `cause`: already named, they are not the database's.
 */
const OTHER_OUTAGES = new Set(['BLOB_STORE_UNAVAILABLE', 'STORAGE_UNAVAILABLE', 'CHAIN_UNREACHABLE']);

/**
 * The database could not answer (down, refused, cut, hung, or SQLite busy or failing I/O): a request
 * that meets this is retried later (503), not a bug (500). Follows `cause` chains, since kysely and
 * the repositories may wrap the driver's error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (OTHER_OUTAGES.has(code)) return false;
      if (SOCKET_CODES.has(code) || PG_STATE.test(code)) return true;
      if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code.startsWith('SQLITE_IOERR'))
        return true;
    }
    if (typeof message === 'string' && PG_MESSAGE.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
