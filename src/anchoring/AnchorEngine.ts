import { EventEmitter } from 'node:events';
import type { Address, Hex, LocalAccount } from 'viem';
import type { ChainConnection } from '../chain/connectChain.js';
import { checkRegistryCode } from '../chain/registry/deployRegistry.js';
import { decodeRegistryError, describeRevert } from '../chain/registry/decodeRegistryError.js';
import { registryReader } from '../chain/registry/registryReader.js';
import { registryAbi } from '../chain/registryAbi.js';
import { isInsufficientFunds, isNonceConsumed, isUnreachable, shortMessage } from '../chain/rpcErrors.js';
import { isMedproofError } from '../core/errors/MedproofError.js';
import { buildMerkleTree } from '../core/merkle/buildMerkleTree.js';
import type { RootInfo } from '../core/verify/types.js';
import type { Logger } from '../log/createLogger.js';
import {
  batchesIn,
  insertBatch,
  leafStatuses,
  queuedLeaves,
  queueStats,
  recordConfirmed,
  recordFailed,
  recordMined,
  recordRetry,
  recordSigned,
  resetToBuilt,
  txsOf,
  type BatchRow,
  type QueueStats,
} from '../store/anchorQueue/anchorQueue.js';
import type { Db } from '../store/db/Db.js';
import { findAnchorTx, receiptOf, signAnchorTx, signReplacement } from './anchorTx.js';
import { backoffDelay } from './backoff.js';
import type { EngineSettings } from './EngineSettings.js';

export interface EngineDeps {
  readonly db: Db;
  readonly conn: ChainConnection;
  readonly registry: Address;
  /** The one account this engine sends from. Never share it with another writer: nonces are ours. */
  readonly account: LocalAccount;
  readonly settings: EngineSettings;
  readonly log: Logger;
}

export interface EngineStatus {
  readonly running: boolean;
  /** Set when anchoring cannot go on without a person (wrong chain, no funds, no role). Uploads continue. */
  readonly paused: { readonly code: string; readonly message: string } | null;
  readonly lastError: { readonly code: string; readonly message: string; readonly at: number } | null;
  readonly account: Address;
  readonly chainId: number;
  readonly registry: Address;
  readonly queue: QueueStats;
}

/** Thrown inside a step to say "try this batch again later"; anything else is a bug and is logged as one. */
class Transient extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The durable anchoring engine: one serialized writer per sending account.
 *
 * Leaves enter the queue in the caller's own transaction (outbox). The engine groups them into batches
 * (`batchMax` leaves, or whatever waited `batchWaitMs`), anchors each batch's Merkle root, and walks
 * it through built → sent → mined → confirmed, committing every step before acting on it:
 * a signed transaction is stored before it is broadcast, so after a crash it is re-broadcast (never
 * signed again at a new nonce while the old one might still land). One transaction is in flight at a
 * time: nonces stay consecutive, and anvil never sees the floods that stall its automine.
 *
 * On start it re-checks what the database holds as anchored against the chain (newest first, until a
 * block hash matches): anchors a reorg or a dev node's restart lost are sent again with the same
 * root, so receipts already handed out verify again.
 */
export class AnchorEngine extends EventEmitter<{ confirmed: [batchId: number]; idle: [] }> {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private paused: EngineStatus['paused'] = null;
  private lastError: EngineStatus['lastError'] = null;
  private lastBroadcast = new Map<number, number>();
  private readonly reader;
  private readonly s: Required<EngineSettings>;

  constructor(private readonly d: EngineDeps) {
    super();
    this.reader = registryReader(d.conn.client);
    this.s = { retryBaseMs: 500, retryMaxMs: 60_000, ...d.settings };
  }

  /** Checks the chain, reconciles, then runs until {@link stop}. Resolves once running. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await checkRegistryCode(this.d.conn, this.d.registry);
      await this.reconcileAnchored();
    } catch (error) {
      if (isMedproofError(error, 'CHAIN_MISMATCH')) {
        // Anchoring into a chain that does not hold our registry would hand out receipts nobody can verify.
        this.paused = { code: error.code, message: error.message };
        this.d.log.error({ code: error.code }, error.message);
      } else if (isUnreachable(error)) {
        this.note('CHAIN_UNREACHABLE', `chain unreachable at start: ${shortMessage(error)}`);
      } else {
        this.running = false;
        throw error;
      }
    }
    this.loop = this.run();
  }

  /** Finishes the step in progress (a signed transaction is already stored), then returns. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** New leaves are waiting: look now rather than at the next tick. */
  kick(): void {
    this.wake?.();
  }

  async status(): Promise<EngineStatus> {
    return {
      running: this.running,
      paused: this.paused,
      lastError: this.lastError,
      account: this.d.account.address,
      chainId: this.d.conn.chainId,
      registry: this.d.registry,
      queue: await queueStats(this.d.db.kysely),
    };
  }

  private async run(): Promise<void> {
    let idleDelay = 5;
    while (this.running) {
      let delay: number;
      if (this.paused) {
        delay = 5_000;
      } else {
        try {
          delay = await this.step();
          if (delay > 0) this.emit('idle');
        } catch (error) {
          this.d.log.error({ err: error }, 'anchoring step failed unexpectedly');
          this.note('ENGINE_ERROR', shortMessage(error));
          delay = this.s.retryBaseMs;
        }
      }
      if (delay === 0) {
        idleDelay = 5;
        continue;
      }
      // Waiting on the chain (Infinity): poll quickly at first, backing off to pollMs. A known delay is kept.
      let wait = delay;
      if (delay === Infinity) {
        wait = idleDelay;
        idleDelay = Math.min(idleDelay * 2, this.s.pollMs);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(t);
          idleDelay = 5;
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** One unit of progress. Returns 0 to go again at once, or how long it is worth waiting. */
  private async step(): Promise<number> {
    const { db, conn, registry } = this.d;
    const now = Date.now();
    const active = await batchesIn(db.kysely, conn.chainId, registry, ['sent', 'mined', 'built']);
    const sent = active.find((b) => b.status === 'sent');
    if (sent) return this.guarded(sent, () => this.advanceSent(sent));

    for (const mined of active.filter((b) => b.status === 'mined')) {
      const r = await this.guarded(mined, () => this.confirm(mined));
      if (r === 0) return 0;
    }

    const built = active.find((b) => b.status === 'built');
    if (built) {
      if (built.next_attempt_at > now) return built.next_attempt_at - now;
      return this.guarded(built, () => this.send(built));
    }

    const due = await this.buildDueBatch(now);
    return due;
  }

  /** Runs a batch step; a transient failure is recorded on the batch with its next attempt time. */
  private async guarded(batch: BatchRow, fn: () => Promise<number>): Promise<number> {
    try {
      const r = await fn();
      if (this.lastError && r === 0) this.lastError = null;
      return r;
    } catch (error) {
      const t = error instanceof Transient ? error : this.classify(error);
      if (!t) throw error;
      const delay = backoffDelay(batch.attempts, this.s.retryBaseMs, this.s.retryMaxMs);
      await recordRetry(this.d.db.kysely, batch.id, t.code, t.message, Date.now() + delay);
      this.note(t.code, t.message);
      this.d.log.warn({ batch: batch.id, code: t.code, retryInMs: delay }, t.message);
      return delay;
    }
  }

  private classify(error: unknown): Transient | undefined {
    if (isUnreachable(error))
      return new Transient('CHAIN_UNREACHABLE', `chain unreachable: ${shortMessage(error)}`);
    if (isInsufficientFunds(error)) {
      return new Transient(
        'INSUFFICIENT_FUNDS',
        `anchoring account ${this.d.account.address} cannot pay for gas: fund it`,
      );
    }
    return undefined;
  }

  private note(code: string, message: string): void {
    this.lastError = { code, message, at: Date.now() };
  }

  /** Builds one batch from the queue if it is full or its oldest leaf has waited long enough. */
  private async buildDueBatch(now: number): Promise<number> {
    const { leaves, oldestAt } = await queuedLeaves(this.d.db.kysely, this.s.batchMax);
    if (leaves.length === 0 || oldestAt === undefined) return Infinity;
    const waitLeft = oldestAt + this.s.batchWaitMs - now;
    if (leaves.length < this.s.batchMax && waitLeft > 0) return waitLeft;
    const tree = buildMerkleTree(leaves);
    const id = await this.d.db.kysely.transaction().execute((trx) =>
      insertBatch(trx, {
        root: tree.root,
        leaves,
        chainId: this.d.conn.chainId,
        registry: this.d.registry,
      }),
    );
    this.d.log.info({ batch: id, leaves: leaves.length, root: tree.root }, 'batch built');
    return 0;
  }

  /** Signs the batch's anchor transaction, stores it, then broadcasts it. */
  private async send(batch: BatchRow): Promise<number> {
    const { conn, account, registry, db, log } = this.d;
    const root = batch.root as Hex;
    let signed;
    try {
      // Anchored already (a restored database, an anchor we lost track of)? The estimate reverts with
      // RootAlreadyAnchored, and we adopt the chain's record instead of sending.
      signed = await signAnchorTx(conn, account, registry, root, batch.leaf_count);
    } catch (error) {
      const revert = decodeRegistryError(error);
      if (!revert) throw error;
      if (revert.name === 'RootAlreadyAnchored')
        return this.adopt(batch, await this.reader.rootInfo(registry, root));
      if (revert.name === 'UnauthorizedAccount') {
        throw new Transient(
          'ANCHORER_UNAUTHORIZED',
          `account ${account.address} lacks ANCHORER_ROLE on ${registry}: grant it (medproof grant anchorer ${account.address})`,
        );
      }
      await recordFailed(db.kysely, batch.id, 'ANCHOR_REJECTED', describeRevert(revert));
      log.error({ batch: batch.id, revert: describeRevert(revert) }, 'registry rejected the batch');
      return 0;
    }
    await db.kysely.transaction().execute((trx) => recordSigned(trx, batch.id, signed));
    await this.broadcast(batch.id, signed.raw);
    log.info({ batch: batch.id, tx: signed.hash, nonce: signed.nonce }, 'anchor sent');
    return 0;
  }

  /** Sends a stored raw transaction; "already known" and "nonce too low" are answers, not failures. */
  private async broadcast(batchId: number, raw: Hex): Promise<void> {
    this.lastBroadcast.set(batchId, Date.now());
    try {
      await this.d.conn.client.sendRawTransaction({ serializedTransaction: raw });
    } catch (error) {
      if (isNonceConsumed(error)) return; // the next advanceSent finds out what happened
      throw error;
    }
  }

  /** A batch whose transaction is out: find its receipt, or learn why there is none and act. */
  private async advanceSent(batch: BatchRow): Promise<number> {
    const { conn, account, registry, db, log } = this.d;
    const txs = await txsOf(db.kysely, batch.id);
    for (const tx of txs) {
      const receipt = await receiptOf(conn, tx.tx_hash as Hex);
      if (!receipt) continue;
      if (receipt.status === 'success') {
        const mined = {
          txHash: receipt.transactionHash,
          blockNumber: Number(receipt.blockNumber),
          blockHash: receipt.blockHash,
          anchoredAt: null,
        };
        // A receipt is one confirmation: when that is all we ask for, confirm in the same commit.
        const confirmNow = this.s.confirmations <= 1;
        await db.kysely.transaction().execute(async (trx) => {
          await recordMined(trx, batch.id, mined);
          if (confirmNow) await recordConfirmed(trx, batch.id);
        });
        log.info({ batch: batch.id, block: mined.blockNumber, confirmed: confirmNow }, 'anchor mined');
        if (confirmNow) this.emit('confirmed', batch.id);
        return 0;
      }
      // Reverted: most likely someone (or an earlier transaction of ours) anchored the root first.
      const info = await this.reader.rootInfo(registry, batch.root as Hex);
      if (info.anchoredAt > 0) return this.adopt(batch, info);
      const reason = await this.revertReason(batch);
      await recordFailed(
        db.kysely,
        batch.id,
        'ANCHOR_REVERTED',
        `transaction ${tx.tx_hash} reverted: ${reason}`,
      );
      log.error({ batch: batch.id, tx: tx.tx_hash, reason }, 'anchor transaction reverted');
      return 0;
    }

    // No receipt yet. Right after a broadcast that is normal: only look deeper every few seconds.
    const last = this.lastBroadcast.get(batch.id);
    if (last !== undefined && Date.now() - last < Math.min(3_000, this.s.replaceAfterMs)) return Infinity;

    const info = await this.reader.rootInfo(registry, batch.root as Hex);
    if (info.anchoredAt > 0) return this.adopt(batch, info);

    const newest = txs[0];
    if (!newest) {
      await resetToBuilt(db.kysely, batch.id, 'no stored transaction');
      return 0;
    }
    const chainNonce = await conn.client.getTransactionCount({
      address: account.address,
      blockTag: 'latest',
    });
    if (chainNonce > newest.nonce) {
      // Our nonce was used, but by none of our transactions for this batch: sign again at a fresh nonce.
      log.warn(
        { batch: batch.id, nonce: newest.nonce, chainNonce },
        'nonce taken by another transaction; re-signing',
      );
      await resetToBuilt(db.kysely, batch.id, `nonce ${newest.nonce} used by another transaction`);
      return 0;
    }
    if (chainNonce < newest.nonce) {
      // A gap: the chain forgot earlier transactions of ours (a restarted dev node, a deep reorg).
      log.warn(
        { batch: batch.id, nonce: newest.nonce, chainNonce },
        'nonce gap: the chain lost earlier transactions; re-signing',
      );
      await resetToBuilt(
        db.kysely,
        batch.id,
        `nonce gap: chain at ${chainNonce}, transaction at ${newest.nonce}`,
      );
      return 0;
    }
    const age = Date.now() - newest.created_at;
    if (age > this.s.replaceAfterMs) {
      const replacement = await signReplacement(conn, account, newest.raw as Hex);
      await db.kysely.transaction().execute((trx) => recordSigned(trx, batch.id, replacement));
      log.warn(
        { batch: batch.id, tx: replacement.hash, nonce: replacement.nonce },
        'anchor pending too long; replaced with a higher fee',
      );
      await this.broadcast(batch.id, replacement.raw);
      return 0;
    }
    // Still pending at our nonce, or dropped by the node (or the node restarted): send the same bytes again.
    await this.broadcast(batch.id, newest.raw as Hex);
    return Infinity;
  }

  /** The root is on chain (ours or not): record where, from the chain's own facts. */
  private async adopt(batch: BatchRow, info: RootInfo): Promise<number> {
    const { conn, registry, db, log } = this.d;
    const block = await conn.client
      .getBlock({ blockNumber: BigInt(info.blockNumber) })
      .catch(() => undefined);
    const txHash = await findAnchorTx(conn, registry, batch.root as Hex, info.blockNumber).catch(() => null);
    await recordMined(db.kysely, batch.id, {
      txHash,
      blockNumber: info.blockNumber,
      blockHash: block?.hash ?? null,
      anchoredAt: info.anchoredAt,
    });
    log.info({ batch: batch.id, block: info.blockNumber }, 'root found on chain');
    return 0;
  }

  /** Confirmed once enough blocks sit on top and the anchor's block is still the one we saw. */
  private async confirm(batch: BatchRow): Promise<number> {
    const { conn, db, registry } = this.d;
    const head = Number(await conn.client.getBlockNumber());
    const depth = head - (batch.block_number ?? head) + 1;
    const block = await conn.client
      .getBlock({ blockNumber: BigInt(batch.block_number ?? 0) })
      .catch(() => undefined);
    if (!block || (batch.block_hash && block.hash !== batch.block_hash)) {
      const info = await this.reader.rootInfo(registry, batch.root as Hex);
      if (info.anchoredAt > 0) return this.adopt(batch, info);
      await resetToBuilt(db.kysely, batch.id, 'anchor block left the chain (reorg)');
      this.d.log.warn({ batch: batch.id }, 'anchor block left the chain; re-anchoring');
      return 0;
    }
    if (depth < this.s.confirmations) return this.s.pollMs;
    await db.kysely.transaction().execute((trx) => recordConfirmed(trx, batch.id));
    this.emit('confirmed', batch.id);
    return 1; // others may also be ready: let step() look again without spinning
  }

  private async revertReason(batch: BatchRow): Promise<string> {
    try {
      await this.d.conn.client.simulateContract({
        address: this.d.registry,
        abi: registryAbi,
        functionName: 'anchor',
        args: [batch.root as Hex, batch.leaf_count],
        account: this.d.account,
      });
      return 'reverted (the call succeeds now: state changed since)';
    } catch (error) {
      const r = decodeRegistryError(error);
      return r ? describeRevert(r) : shortMessage(error);
    }
  }

  /**
   * Start-up reconciliation: walk anchored batches from the newest block down, comparing the block
   * hash we recorded with the chain's. Stop at the first that matches (the chain below it is the one
   * we saw); every batch above it whose root the chain no longer holds goes back to be anchored again.
   */
  private async reconcileAnchored(): Promise<void> {
    const { db, conn, registry, log } = this.d;
    const anchored = (await batchesIn(db.kysely, conn.chainId, registry, ['mined', 'confirmed'])).sort(
      (a, b) => (b.block_number ?? 0) - (a.block_number ?? 0),
    );
    let lost = 0;
    for (const batch of anchored) {
      const block = await conn.client
        .getBlock({ blockNumber: BigInt(batch.block_number ?? 0) })
        .catch(() => undefined);
      if (block && block.hash === batch.block_hash) break;
      const info = await this.reader.rootInfo(registry, batch.root as Hex);
      if (info.anchoredAt > 0) {
        await this.adopt(batch, info);
        continue;
      }
      await resetToBuilt(db.kysely, batch.id, 'the chain no longer holds this root');
      lost++;
    }
    if (lost > 0) log.warn({ lost }, 'the chain lost anchored roots; re-anchoring them with the same roots');
  }

  /** Resolves when every given leaf is anchored (confirmed); rejects if its batch failed or after `timeoutMs`. */
  async whenAnchored(leaves: readonly Hex[], timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let pending = leaves.map((l) => l.toLowerCase() as Hex);
    while (pending.length > 0) {
      const rows = await leafStatuses(this.d.db.kysely, pending);
      const failed = rows.find((r) => r.batchStatus === 'failed');
      if (failed) throw new Error(`leaf ${failed.leaf} is in a failed batch`);
      const done = new Set(rows.filter((r) => r.status === 'anchored').map((r) => r.leaf));
      pending = pending.filter((l) => !done.has(l));
      if (pending.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(`${pending.length} leaves not anchored after ${timeoutMs} ms`);
      // Wake on the next confirmation or after 200 ms, whichever is first; never leave the listener behind.
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.off('confirmed', done);
          resolve();
        };
        const timer = setTimeout(done, 200);
        this.once('confirmed', done);
      });
      // Many leaves: look again at most every 100 ms, or the waiting itself starves the engine.
      if (pending.length > 64) await sleep(100);
    }
  }
}
