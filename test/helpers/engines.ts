import { randomBytes } from 'node:crypto';
import type { Address, Hex, LocalAccount } from 'viem';
import { AnchorEngine } from '../../src/anchoring/AnchorEngine.js';
import { anchorPointOf } from '../../src/anchoring/anchorPointOf.js';
import type { EngineSettings } from '../../src/anchoring/EngineSettings.js';
import { publicClientFor } from '../../src/chain/clients.js';
import type { ChainConnection } from '../../src/chain/connectChain.js';
import { registryReader } from '../../src/chain/registry/registryReader.js';
import { toHex } from '../../src/core/hash/hex.js';
import { computeLeaf } from '../../src/core/leaf/computeLeaf.js';
import type { LeafFields } from '../../src/core/leaf/LeafFields.js';
import { buildReceipt } from '../../src/core/receipt/buildReceipt.js';
import type { Receipt } from '../../src/core/receipt/receiptSchema.js';
import type { Verification } from '../../src/core/verify/types.js';
import { verifyDocument } from '../../src/core/verify/verifyDocument.js';
import { silentLogger } from '../../src/log/createLogger.js';
import type { Db } from '../../src/store/db/Db.js';

export const FAST: EngineSettings = {
  batchMax: 1,
  batchWaitMs: 0,
  confirmations: 1,
  pollMs: 100,
  replaceAfterMs: 60_000,
  retryBaseMs: 100,
  retryMaxMs: 500,
};

export function makeEngine(
  db: Db,
  chain: { conn: ChainConnection; registry: Address; anchorer: LocalAccount },
  settings: Partial<EngineSettings> = {},
  account: LocalAccount = chain.anchorer,
): AnchorEngine {
  return new AnchorEngine({
    db,
    conn: chain.conn,
    registry: chain.registry,
    account,
    settings: { ...FAST, ...settings },
    log: silentLogger,
  });
}

export interface Doc {
  readonly fields: LeafFields;
  readonly leaf: Hex;
}

/** Documents with random contents, issued by `issuer`. */
export function makeDocs(n: number, issuer: Address): Doc[] {
  return Array.from({ length: n }, (_, i) => {
    const fields: LeafFields = {
      docHash: toHex(randomBytes(32)),
      salt: toHex(randomBytes(32)),
      patientRef: toHex(randomBytes(32)),
      issuer,
      docType: 'certificate',
      issuedAt: 1_764_000_000 + i,
    };
    return { fields, leaf: computeLeaf(fields) };
  });
}

/** The receipt the engine's records give for an anchored document. */
export async function receiptFor(db: Db, doc: Doc): Promise<Receipt> {
  const state = await anchorPointOf(db.kysely, doc.leaf);
  if (state?.state !== 'anchored' || !state.point)
    throw new Error(`not anchored: ${doc.leaf} (${state?.state})`);
  return buildReceipt(doc.fields, doc.leaf, state.point);
}

/** Verifies against the chain only (never the database), as a third party would. */
export async function verifyOnChain(
  rpcUrl: string,
  doc: Doc,
  receipt: Receipt,
  registry: Address,
): Promise<Verification> {
  const reader = registryReader(publicClientFor(rpcUrl, undefined, { batch: true, retryCount: 0 }));
  return verifyDocument({ docHash: doc.fields.docHash, receipt, reader, trust: { registry } });
}

/** Polls `probe` until it returns a value (bounded). */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A read that fails is "not yet" until the deadline: on a pruned anvil a read pinned to the block
    // before a new one can race it (BlockOutOfRange), and the next read succeeds.
    const v = await probe().catch((error: unknown) => {
      if (Date.now() > deadline) throw error;
      return undefined;
    });
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
