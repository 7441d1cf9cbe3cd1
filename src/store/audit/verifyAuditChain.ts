import type { Executor } from '../db/Db.js';
import { auditHash, GENESIS_HASH } from './appendAudit.js';

export interface AuditChainReport {
  readonly ok: boolean;
  readonly rows: number;
  /** The first row that does not fit the chain, and why. */
  readonly firstBroken?: { readonly seq: number; readonly reason: string };
}

/** Recomputes every row's hash in order: an edited, inserted or deleted row breaks the chain at that row. */
export async function verifyAuditChain(db: Executor): Promise<AuditChainReport> {
  let prev = GENESIS_HASH;
  let expectSeq = 1;
  let rows = 0;
  for (let after = 0; ;) {
    const page = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(1000)
      .execute();
    if (page.length === 0) break;
    for (const r of page) {
      const seq = Number(r.seq);
      if (seq !== expectSeq)
        return { ok: false, rows, firstBroken: { seq, reason: `row ${expectSeq} is missing` } };
      if (r.prev_hash !== prev)
        return { ok: false, rows, firstBroken: { seq, reason: 'does not follow the previous row' } };
      if (auditHash(prev, { ...r, seq }) !== r.hash)
        return { ok: false, rows, firstBroken: { seq, reason: 'contents were changed' } };
      prev = r.hash;
      expectSeq++;
      rows++;
      after = seq;
    }
  }
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!head || Number(head.seq) !== rows || head.hash !== prev) {
    return {
      ok: false,
      rows,
      firstBroken: {
        seq: rows + 1,
        reason: 'rows after the last one were deleted (the head does not match)',
      },
    };
  }
  return { ok: true, rows };
}
