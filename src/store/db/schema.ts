import type { Generated } from 'kysely';

/** Times are unix milliseconds (bigint columns), hashes lower-case 0x-hex text: the same in SQLite and PostgreSQL. */
export interface AnchorLeavesTable {
  leaf: string;
  status: 'queued' | 'batched' | 'anchored';
  batch_id: number | null;
  queued_at: number;
}

export type BatchStatus = 'built' | 'sent' | 'mined' | 'confirmed' | 'failed';

export interface AnchorBatchesTable {
  id: Generated<number>;
  root: string;
  leaf_count: number;
  /** JSON array of the leaves in tree input order: proofs are rebuilt from it on demand. */
  leaves: string;
  chain_id: number;
  registry: string;
  status: BatchStatus;
  nonce: number | null;
  tx_hash: string | null;
  block_number: number | null;
  block_hash: string | null;
  /** Chain time of the anchoring block, unix seconds. */
  anchored_at: number | null;
  attempts: number;
  /** How often the chain lost this anchor and it was sent again (reorgs, a dev node's restart). */
  reanchor_count: number;
  next_attempt_at: number;
  error_code: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  confirmed_at: number | null;
}

/** Every signed transaction, persisted before it is broadcast: after a crash it is re-sent, never re-signed blindly. */
export interface AnchorTxsTable {
  tx_hash: string;
  batch_id: number;
  nonce: number;
  raw: string;
  /** maxFeePerGas (or gasPrice) and maxPriorityFeePerGas in wei, decimal: a replacement must outbid them. */
  fee: string;
  tip: string;
  created_at: number;
}

export interface Database {
  anchor_leaves: AnchorLeavesTable;
  anchor_batches: AnchorBatchesTable;
  anchor_txs: AnchorTxsTable;
}
