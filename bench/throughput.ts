import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Hex } from 'viem';
import type { NodeKind } from '../src/chain/nodes/EmbeddedNode.js';
import { toHex } from '../src/core/hash/hex.js';
import { enqueueLeaves } from '../src/store/anchorQueue/anchorQueue.js';
import { benchSystem } from './system.js';
import { table } from './table.js';

/**
 * N documents through the durable engine at several batch limits: documents per second and transactions.
 * N is 1,000 by default and 10,000 with `full`: at one document per transaction 10,000 take ~10 minutes.
 */
export async function benchThroughput(
  dir: string,
  kind: NodeKind,
  o: { full?: boolean } = {},
): Promise<string> {
  const rows: (string | number)[][] = [];
  const N = Number(process.env.TP_N ?? (o.full ? 10_000 : 1_000));
  for (const batchMax of process.env.TP_BATCHES
    ? process.env.TP_BATCHES.split(',').map(Number)
    : kind === 'anvil'
      ? [1, 16, 256]
      : [16, 256]) {
    const sys = await benchSystem(join(dir, `tp-${kind}-${batchMax}`), kind, { batchMax });
    try {
      const leaves: Hex[] = Array.from({ length: N }, () => toHex(randomBytes(32)));
      const t0 = performance.now();
      for (let i = 0; i < N; i += 500) {
        await enqueueLeaves(sys.db.kysely, leaves.slice(i, i + 500));
        sys.engine.kick();
      }
      await sys.engine.whenAnchored(leaves, 600_000);
      const s = (performance.now() - t0) / 1000;
      const txs = await sys.db.kysely
        .selectFrom('anchor_batches')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      rows.push([
        batchMax,
        N.toLocaleString('en'),
        Number(txs.n),
        s.toFixed(2),
        Math.round(N / s).toLocaleString('en'),
      ]);
    } finally {
      await sys.stop();
    }
  }
  return table(
    `Anchoring throughput on ${kind}: ${N.toLocaleString('en')} documents queued at once`,
    ['batch max', 'documents', 'transactions', 'seconds', 'documents/s'],
    rows,
  );
}
