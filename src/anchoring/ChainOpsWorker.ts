import type { Address, Hex, LocalAccount } from 'viem';
import type { ChainConnection } from '../chain/connectChain.js';
import { registryReader } from '../chain/registry/registryReader.js';
import { ROLE_IDS } from '../chain/registry/roles.js';
import { sendRegistryTx } from '../chain/registry/sendRegistryTx.js';
import { registryAbi } from '../chain/registryAbi.js';
import { isMedproofError } from '../core/errors/MedproofError.js';
import type { Logger } from '../log/createLogger.js';
import type { Db, Executor } from '../store/db/Db.js';
import type { ChainOpsTable } from '../store/db/schema.js';
import { receiptOf } from './anchorTx.js';
import { backoffDelay } from './backoff.js';

export type ChainOp =
  { kind: 'grant_issuer'; address: Address } | { kind: 'revoke_leaf'; leaf: Hex; reason: number };

/** Queues a registry change in the caller's transaction (outbox): it commits with the change it serves. */
export async function enqueueChainOp(trx: Executor, op: ChainOp, now = Date.now()): Promise<void> {
  const { kind, ...payload } = op;
  await trx
    .insertInto('chain_ops')
    .values({
      kind,
      payload: JSON.stringify(payload),
      status: 'pending',
      attempts: 0,
      next_attempt_at: 0,
      last_error: null,
      tx_hash: null,
      created_at: now,
      done_at: null,
    })
    .execute();
}

export interface ChainOpsStatus {
  readonly pending: number;
  readonly failed: number;
  readonly lastError: { readonly code: string; readonly message: string } | null;
}

/**
 * Carries out queued registry changes with the admin key, one at a time: granting ISSUER_ROLE to new
 * doctors and revoking documents. Each is idempotent (the chain is asked first whether it is already
 * so), so a crash or a retry never double-applies; an outage only delays them.
 */
export class ChainOpsWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastError: ChainOpsStatus['lastError'] = null;
  private readonly reader;

  constructor(
    private readonly d: {
      db: Db;
      conn: ChainConnection;
      registry: Address;
      account: LocalAccount | undefined;
      log: Logger;
      retryBaseMs?: number;
      retryMaxMs?: number;
      /** Called after a change reached the chain (the portal drops its cached chain reads). */
      onApplied?: () => void;
    },
  ) {
    this.reader = registryReader(d.conn.client);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.reconcile().then(() => this.run());
  }

  /**
   * A restarted dev node or a reorg can lose the last changes the chain took. Walk the applied
   * operations from the newest down; each whose transaction the chain no longer has is applied again,
   * and the walk stops at the first one the chain still has (what is older survived too).
   */
  private async reconcile(): Promise<void> {
    try {
      const applied = await this.d.db.kysely
        .selectFrom('chain_ops')
        .select(['id', 'tx_hash'])
        .where('status', '=', 'done')
        .where('tx_hash', 'is not', null)
        .orderBy('id', 'desc')
        .execute();
      let lost = 0;
      for (const op of applied) {
        if (await receiptOf(this.d.conn, op.tx_hash as Hex)) break;
        await this.d.db.kysely
          .updateTable('chain_ops')
          .set({
            status: 'pending',
            tx_hash: null,
            done_at: null,
            next_attempt_at: 0,
            last_error: 'the chain lost this change; applying it again',
          })
          .where('id', '=', op.id)
          .execute();
        lost++;
      }
      if (lost > 0) this.d.log.warn({ lost }, 'the chain lost registry changes; applying them again');
    } catch (error) {
      this.d.log.warn({ err: error }, 'could not check applied registry changes against the chain');
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  kick(): void {
    this.wake?.();
  }

  async status(): Promise<ChainOpsStatus> {
    const rows = await this.d.db.kysely
      .selectFrom('chain_ops')
      .select(['status'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy('status')
      .execute();
    const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { pending: n('pending'), failed: n('failed'), lastError: this.lastError };
  }

  /** Resolves once no operation is pending (for tests and one-off commands), bounded. */
  async drained(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.status()).pending > 0) {
      if (Date.now() > deadline) throw new Error('chain operations still pending');
      this.kick();
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay = 1000;
      try {
        delay = await this.step();
      } catch (error) {
        this.d.log.error({ err: error }, 'chain operation step failed unexpectedly');
      }
      if (delay === 0) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async step(): Promise<number> {
    const { db } = this.d;
    const op = await db.kysely
      .selectFrom('chain_ops')
      .selectAll()
      .where('status', '=', 'pending')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!op) return 2000;
    const wait = op.next_attempt_at - Date.now();
    if (wait > 0) return Math.min(wait, 2000);
    if (!this.d.account) {
      this.lastError = { code: 'NO_KEY', message: 'registry changes need the admin key (MEDPROOF_KEY)' };
      return 5000;
    }
    try {
      const txHash = await this.apply(
        op.kind,
        JSON.parse(op.payload) as Record<string, unknown>,
        this.d.account,
      );
      await db.kysely
        .updateTable('chain_ops')
        .set({ status: 'done', tx_hash: txHash, done_at: Date.now(), last_error: null })
        .where('id', '=', op.id)
        .execute();
      this.d.onApplied?.();
      this.lastError = null;
      return 0;
    } catch (error) {
      const code = isMedproofError(error) ? error.code : 'CHAIN_ERROR';
      const message = error instanceof Error ? error.message : String(error);
      if (code === 'CONTRACT_REVERTED') {
        await db.kysely
          .updateTable('chain_ops')
          .set({ status: 'failed', last_error: message })
          .where('id', '=', op.id)
          .execute();
        this.d.log.error({ op: op.id, kind: op.kind }, message);
        return 0;
      }
      const delay = backoffDelay(op.attempts, this.d.retryBaseMs ?? 500, this.d.retryMaxMs ?? 60_000);
      await db.kysely
        .updateTable('chain_ops')
        .set({ attempts: op.attempts + 1, next_attempt_at: Date.now() + delay, last_error: message })
        .where('id', '=', op.id)
        .execute();
      this.lastError = { code, message };
      this.d.log.warn({ op: op.id, kind: op.kind, code, retryInMs: delay }, message);
      return delay;
    }
  }

  /** Applies one operation unless the chain already shows it; returns the transaction hash, or null. */
  private async apply(
    kind: ChainOpsTable['kind'],
    payload: Record<string, unknown>,
    account: LocalAccount,
  ): Promise<string | null> {
    const { conn, registry } = this.d;
    if (kind === 'grant_issuer') {
      const address = payload.address as Address;
      const has = await conn.client.readContract({
        address: registry,
        abi: registryAbi,
        functionName: 'hasRole',
        args: [ROLE_IDS.issuer, address],
      });
      if (has) return null;
      return (await sendRegistryTx(conn, account, registry, 'grantRole', [ROLE_IDS.issuer, address]))
        .transactionHash;
    }
    const leaf = payload.leaf as Hex;
    if ((await this.reader.revocation(registry, leaf)).revokedAt > 0) return null;
    return (await sendRegistryTx(conn, account, registry, 'revoke', [leaf, payload.reason as number]))
      .transactionHash;
  }
}
