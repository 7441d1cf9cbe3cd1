import { CompiledQuery, sql, type DatabaseConnection } from 'kysely';
import { MedproofError } from '../../core/index.js';
import type { Executor } from '../db/Db.js';

/** A held lease: who holds it and the fencing token that was current when it was won. */
export interface LeaseToken {
  readonly name: string;
  readonly holder: string;
  readonly epoch: number;
}

/**
 * The database's clock in ms. Expiry is judged by one clock, the database's, so replicas on hosts
 * whose clocks disagree still agree on when a lease has run out.
 */
const DB_NOW = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * Wins, keeps or fails to win a lease (PostgreSQL), in one statement:
 * - held by `holder` at `epoch` (`mine`): extended, same epoch;
 * - expired, or never taken: taken over by `holder`, epoch + 1 (a new fencing token);
 * - held by someone else and not expired: undefined.
 * A holder that lost its lease (its epoch is no longer current) never gets it back at its old epoch:
 * it must win it anew, with a new token, and rebuild its view from the database.
 */
export async function claimLease(
  db: Executor,
  name: string,
  holder: string,
  ttlMs: number,
  mine?: number,
): Promise<LeaseToken | undefined> {
  const epoch = mine ?? -1;
  const r = await sql<{ epoch: number }>`
    insert into writer_leases as l (name, holder, epoch, expires_at, acquired_at)
    values (${name}, ${holder}, 1, ${DB_NOW} + ${ttlMs}, ${DB_NOW})
    on conflict (name) do update set
      epoch = case when l.holder = ${holder} and l.epoch = ${epoch} then l.epoch else l.epoch + 1 end,
      acquired_at = case when l.holder = ${holder} and l.epoch = ${epoch} then l.acquired_at else ${DB_NOW} end,
      holder = ${holder},
      expires_at = ${DB_NOW} + ${ttlMs}
    where (l.holder = ${holder} and l.epoch = ${epoch}) or l.expires_at <= ${DB_NOW}
    returning epoch`.execute(db);
  const row = r.rows[0];
  return row ? { name, holder, epoch: Number(row.epoch) } : undefined;
}

/** Gives the lease up at once (a clean stop): the next claimer takes it without waiting for expiry. */
export async function releaseLease(db: Executor, token: LeaseToken): Promise<boolean> {
  const r = await db
    .updateTable('writer_leases')
    .set({ expires_at: 0 })
    .where('name', '=', token.name)
    .where('holder', '=', token.holder)
    .where('epoch', '=', token.epoch)
    .executeTakeFirst();
  return (r.numUpdatedRows ?? 0n) > 0n;
}

export interface LeaseState {
  readonly holder: string;
  readonly epoch: number;
  readonly expiresAt: number;
  /** Whether it has run out by the database's clock. */
  readonly expired: boolean;
}

/** Who holds a lease now, as the database says. */
export async function leaseState(db: Executor, name: string): Promise<LeaseState | undefined> {
  const r = await sql<{ holder: string; epoch: number; expires_at: number; expired: boolean }>`
    select holder, epoch, expires_at, expires_at <= ${DB_NOW} as expired
    from writer_leases where name = ${name}`.execute(db);
  const row = r.rows[0];
  return row
    ? {
        holder: row.holder,
        epoch: Number(row.epoch),
        expiresAt: Number(row.expires_at),
        expired: row.expired,
      }
    : undefined;
}

/**
 * The fencing check, run first inside every transaction of a lease holder's writes (see
 * guardedPostgres): the lease row must still name this holder at this epoch. `FOR SHARE` holds the
 * row until the transaction ends, so a takeover (an UPDATE of that row) waits for this commit, and a
 * commit that starts after a takeover sees the new epoch and fails: a writer that lost its lease
 * cannot commit a step, however long it was paused. With `idleLimitMs`, a holder frozen inside such a
 * transaction loses it (and its locks) after that long, so it cannot hold up a takeover.
 */
export async function assertLeaseHeld(
  conn: DatabaseConnection,
  token: LeaseToken | undefined,
  idleLimitMs?: number,
): Promise<void> {
  if (!token) throw new MedproofError('LEASE_LOST', 'this replica does not hold the writer lease');
  // The row lock taken below would let a frozen holder (SIGSTOP, a VM paused mid-transaction) block
  // every takeover for as long as it stays frozen: the server ends such a transaction once it has
  // been idle this long (this transaction only), and its locks go with it.
  if (idleLimitMs !== undefined)
    await conn.executeQuery(
      CompiledQuery.raw(
        `set local idle_in_transaction_session_timeout = ${Math.max(100, Math.floor(idleLimitMs))}`,
      ),
    );
  const r = await conn.executeQuery(
    CompiledQuery.raw(
      'select 1 from writer_leases where name = $1 and holder = $2 and epoch = $3 for share',
      [token.name, token.holder, token.epoch],
    ),
  );
  if (r.rows.length === 0)
    throw new MedproofError(
      'LEASE_LOST',
      `the writer lease ${token.name} (epoch ${token.epoch}) is no longer held by this replica`,
    );
}
