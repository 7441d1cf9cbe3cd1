export interface EngineSettings {
  /** Most leaves per anchored root. */
  readonly batchMax: number;
  /** Longest a queued leaf waits for its batch to fill. */
  readonly batchWaitMs: number;
  /** Blocks (including the anchor's own) before a batch counts as confirmed. */
  readonly confirmations: number;
  /**
   * Blocks (including the anchor's own) before a confirmed batch is final and no longer re-checked
   * against the chain; sooner where the chain's `finalized` block covers it. Default 12.
   */
  readonly finalityDepth?: number;
  /** Longest pause between receipt checks; checks start at a few ms and back off to this. */
  readonly pollMs: number;
  /** A transaction pending this long is replaced at the same nonce with a higher fee. */
  readonly replaceAfterMs: number;
  /** Backoff for transient failures (node down): from base, doubling, capped, with jitter. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}
