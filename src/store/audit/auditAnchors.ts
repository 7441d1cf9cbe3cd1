import { randomBytes } from 'node:crypto';
import type { Address, Hex } from 'viem';
import { auditHeadLeafFields, computeLeaf, type AuditHead, type LeafFields } from '../../core/index.js';
import { enqueueLeaves } from '../anchorQueue/anchorQueue.js';
import type { Executor } from '../db/Db.js';

export interface AuditAnchor extends AuditHead {
  readonly leaf: Hex;
  readonly fields: LeafFields;
  readonly createdAt: number;
}

/**
 * Puts the audit log's current head into the anchor queue as a leaf of the next ordinary batch, with
 * its record, in one transaction (the outbox: what commits is anchored). Nothing happens when the log
 * is empty or its head is already committed. Reading the head takes no lock: rows never change, so the
 * row it names keeps that hash whatever is appended meanwhile.
 */
export async function commitAuditHead(
  db: Executor,
  o: { readonly issuer: Address; readonly now?: number },
): Promise<AuditAnchor | undefined> {
  const now = o.now ?? Date.now();
  const run = async (trx: Executor) => {
    const head = await trx
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirst();
    const seq = Number(head?.seq ?? 0);
    if (!head || seq === 0) return undefined;
    const last = await trx
      .selectFrom('audit_anchors')
      .select('seq')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last && Number(last.seq) >= seq) return undefined;
    const fields = auditHeadLeafFields(
      { seq, hash: head.hash },
      { issuer: o.issuer, salt: `0x${randomBytes(32).toString('hex')}`, issuedAt: Math.floor(now / 1000) },
    );
    const leaf = computeLeaf(fields);
    // Two portals on one database may commit the same head at once: the second inserts nothing and stops.
    const inserted = await trx
      .insertInto('audit_anchors')
      .values({
        seq,
        hash: head.hash,
        leaf: leaf.toLowerCase(),
        fields: JSON.stringify(fields),
        created_at: now,
      })
      .onConflict((oc) => oc.column('seq').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return undefined;
    await enqueueLeaves(trx, [leaf], now);
    return { seq, hash: head.hash, leaf, fields, createdAt: now };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** The committed audit heads, newest first. */
export async function auditAnchorsNewestFirst(db: Executor, limit = 100): Promise<AuditAnchor[]> {
  const rows = await db.selectFrom('audit_anchors').selectAll().orderBy('seq', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    hash: r.hash,
    leaf: r.leaf as Hex,
    fields: JSON.parse(r.fields) as LeafFields,
    createdAt: Number(r.created_at),
  }));
}

/** The hash the audit log holds now for row `seq`, if it holds that row. */
export async function auditHashAt(db: Executor, seq: number): Promise<string | undefined> {
  const row = await db.selectFrom('audit_log').select('hash').where('seq', '=', seq).executeTakeFirst();
  return row?.hash;
}
