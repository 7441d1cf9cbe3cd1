import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { anchorPointOf } from '../src/anchoring/anchorPointOf.js';
import { publicClientFor } from '../src/chain/clients.js';
import { registryReader } from '../src/chain/registry/registryReader.js';
import type { NodeKind } from '../src/chain/nodes/EmbeddedNode.js';
import { toHex } from '../src/core/hash/hex.js';
import { computeLeaf } from '../src/core/leaf/computeLeaf.js';
import type { LeafFields } from '../src/core/leaf/LeafFields.js';
import { buildReceipt } from '../src/core/receipt/buildReceipt.js';
import { verifyDocument } from '../src/core/verify/verifyDocument.js';
import { hashFile } from '../src/io/hashFile.js';
import { enqueueLeaves } from '../src/store/anchorQueue/anchorQueue.js';
import { writeRandomFile } from './files.js';
import { benchSystem } from './system.js';
import { median, ms, table } from './table.js';

// The paper's Table 1 (hash + upload to chain) and Table 2 (read back from chain), seconds.
const PAPER: [mib: number, t1: number, t2: number][] = [
  [1, 2.18, 2.12],
  [2, 2.75, 2.33],
  [5, 3.24, 2.16],
  [10, 3.67, 2.59],
  [20, 3.88, 2.71],
  [50, 4.12, 2.79],
  [100, 4.35, 2.86],
  [500, 5.14, 2.97],
];

/** Peak RSS while `f` runs, sampled every 2 ms. */
async function peakRss<T>(f: () => Promise<T>): Promise<{ value: T; peakMiB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 2);
  try {
    const value = await f();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakMiB: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

function opensslMs(path: string): number {
  const t = performance.now();
  execFileSync('openssl', ['dgst', '-sha256', path], { stdio: 'ignore' });
  return performance.now() - t;
}

/** Sizes up to 50 MB by default; `full` adds the paper's 100 and 500 MB rows (minutes on a small machine). */
export async function benchFileAnchoring(
  dir: string,
  kind: NodeKind,
  o: { full?: boolean } = {},
): Promise<string> {
  const sys = await benchSystem(join(dir, `files-${kind}`), kind);
  const reader = registryReader(
    publicClientFor(sys.chain.conn.rpcUrl, sys.chain.conn.chainId, { batch: true }),
  );
  const rows1: (string | number)[][] = [];
  const rows2: (string | number)[][] = [];
  try {
    for (const [mib, paper1, paper2] of PAPER.filter(([mib]) => o.full || mib <= 50)) {
      const path = join(dir, `doc-${mib}.bin`);
      writeRandomFile(path, mib);
      const reps = mib >= 100 ? 3 : 5;
      const totals: number[] = [];
      const hashes: number[] = [];
      const anchors: number[] = [];
      const openssl: number[] = [];
      const reads: number[] = [];
      let peak = 0;
      for (let r = 0; r < reps; r++) {
        openssl.push(opensslMs(path));
        const { value, peakMiB } = await peakRss(async () => {
          const t0 = performance.now();
          const { docHash } = await hashFile(path);
          const t1 = performance.now();
          const fields: LeafFields = {
            docHash,
            salt: toHex(randomBytes(32)),
            patientRef: toHex(randomBytes(32)),
            issuer: sys.chain.admin.address,
            docType: 'report',
            issuedAt: Math.floor(Date.now() / 1000),
          };
          const leaf = computeLeaf(fields);
          await enqueueLeaves(sys.db.kysely, [leaf]);
          sys.engine.kick();
          await sys.engine.whenAnchored([leaf]);
          const t2 = performance.now();
          return { hash: t1 - t0, anchor: t2 - t1, total: t2 - t0, fields, leaf };
        });
        peak = Math.max(peak, peakMiB);
        totals.push(value.total);
        hashes.push(value.hash);
        anchors.push(value.anchor);
        // Table 2: read the document's record back from the chain (the four reads of a verification).
        const point = (await anchorPointOf(sys.db.kysely, value.leaf))!.point!;
        const receipt = buildReceipt(value.fields, value.leaf, point);
        for (let k = 0; k < 5; k++) {
          const t = performance.now();
          const v = await verifyDocument({
            docHash: value.fields.docHash,
            receipt,
            reader,
            trust: { registry: sys.chain.registry },
          });
          reads.push(performance.now() - t);
          if (v.verdict !== 'VALID') throw new Error(`bench document did not verify: ${v.code}`);
        }
      }
      rmSync(path);
      const total = median(totals);
      const limit = median(openssl);
      rows1.push([
        `${mib} MB`,
        paper1.toFixed(2),
        ms(total),
        ms(median(hashes)),
        ms(median(anchors)),
        ms(limit),
        `${(total / limit).toFixed(2)}x`,
        Math.round(peak),
      ]);
      rows2.push([`${mib} MB`, paper2.toFixed(2), ms(median(reads))]);
    }
  } finally {
    await sys.stop();
  }
  return [
    table(
      `Table 1 on ${kind}: hash a file and anchor it (one document per transaction, as in the paper; durable engine, SQLite)`,
      [
        'file',
        'paper (s)',
        'medproof (ms)',
        'hash (ms)',
        'anchor (ms)',
        'openssl dgst (ms)',
        'vs openssl',
        'peak RSS (MiB)',
      ],
      rows1,
    ),
    table(
      `Table 2 on ${kind}: read a document's record back from the chain (rootInfo + revocation + isIssuer + chainId, one batch)`,
      ['file', 'paper (s)', 'medproof (ms)'],
      rows2,
    ),
  ].join('\n');
}
