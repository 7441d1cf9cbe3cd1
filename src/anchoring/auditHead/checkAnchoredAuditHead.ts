import type { Address, Hex } from 'viem';
import { auditHeadOf, computeLeaf, verifyProof, type RegistryReader } from '../../core/index.js';
import { auditAnchorsNewestFirst, auditHashAt, type Executor } from '../../store/index.js';
import { anchorPointOf } from '../anchorPointOf.js';

/** What `audit verify` concludes about the newest audit head anchored on chain. */
export type AnchoredHeadCheck =
  | { readonly status: 'none'; readonly pending: number; readonly message: string }
  | {
      readonly status: 'ok';
      readonly seq: number;
      readonly root: Hex;
      readonly blockNumber: number;
      readonly anchoredAt: number;
      readonly message: string;
    }
  | {
      readonly status: 'failed';
      readonly code: 'AUDIT_HEAD_MISMATCH' | 'AUDIT_HEAD_NOT_ANCHORED';
      readonly seq: number;
      readonly message: string;
    }
  | {
      readonly status: 'error';
      readonly code: 'CHAIN_UNREACHABLE' | 'WRONG_CHAIN';
      readonly message: string;
    };

const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Checks the newest audit head whose batch is anchored (confirmed or final) against the audit log as it
 * is now and against the chain: its recorded leaf is the one its fields make, the row it names still
 * has that hash (a deleted or edited row before it, with every later hash recomputed, changes it), and
 * its Merkle proof leads to a root the registry holds. Rows after that head are covered by the hash
 * chain alone until the next head is anchored.
 */
export async function checkAnchoredAuditHead(
  db: Executor,
  reader: Pick<RegistryReader, 'chainId' | 'rootInfo'>,
  trust: { readonly registry?: Address | undefined } = {},
): Promise<AnchoredHeadCheck> {
  let pending = 0;
  for (const anchor of await auditAnchorsNewestFirst(db)) {
    const state = await anchorPointOf(db, anchor.leaf);
    if (state?.state !== 'anchored' || !state.point) {
      pending++;
      continue;
    }
    const { seq, hash, leaf, fields } = anchor;
    const committed = auditHeadOf(fields);
    if (
      computeLeaf(fields).toLowerCase() !== leaf.toLowerCase() ||
      committed?.seq !== seq ||
      committed.hash !== hash
    )
      return {
        status: 'failed',
        code: 'AUDIT_HEAD_MISMATCH',
        seq,
        message: `the record of the audit head anchored at row ${seq} was edited: its fields do not make its leaf`,
      };
    const now = await auditHashAt(db, seq);
    if (now !== hash)
      return {
        status: 'failed',
        code: 'AUDIT_HEAD_MISMATCH',
        seq,
        message:
          now === undefined
            ? `row ${seq}, whose hash was anchored on chain, is gone: the log was cut or rewritten at or before it`
            : `row ${seq} hashes to ${now.slice(0, 12)}…, but ${hash.slice(0, 12)}… was anchored on chain: history at or before row ${seq} was rewritten`,
      };
    const p = state.point;
    if (!verifyProof(p.root, leaf, p.proof))
      return {
        status: 'failed',
        code: 'AUDIT_HEAD_NOT_ANCHORED',
        seq,
        message: `the Merkle proof of the audit head at row ${seq} does not lead to its batch's root ${p.root}`,
      };
    if (trust.registry && trust.registry.toLowerCase() !== p.registry.toLowerCase())
      return {
        status: 'failed',
        code: 'AUDIT_HEAD_NOT_ANCHORED',
        seq,
        message: `the audit head at row ${seq} was anchored in registry ${p.registry}, not the configured ${trust.registry}`,
      };
    let chainId: number;
    try {
      chainId = await reader.chainId();
    } catch (e) {
      return { status: 'error', code: 'CHAIN_UNREACHABLE', message: `cannot reach the chain: ${why(e)}` };
    }
    if (chainId !== p.chainId)
      return {
        status: 'error',
        code: 'WRONG_CHAIN',
        message: `the audit head was anchored on chain ${p.chainId}, but the endpoint serves chain ${chainId}`,
      };
    let info;
    try {
      info = await reader.rootInfo(p.registry, p.root);
    } catch (e) {
      return { status: 'error', code: 'CHAIN_UNREACHABLE', message: `cannot read the registry: ${why(e)}` };
    }
    if (info.anchoredAt === 0)
      return {
        status: 'failed',
        code: 'AUDIT_HEAD_NOT_ANCHORED',
        seq,
        message: `the registry ${p.registry} has no record of root ${p.root}, which should hold the audit head at row ${seq}`,
      };
    return {
      status: 'ok',
      seq,
      root: p.root,
      blockNumber: info.blockNumber,
      anchoredAt: info.anchoredAt,
      message: `the audit head at row ${seq} is in the log and on chain (block ${info.blockNumber}, ${new Date(info.anchoredAt * 1000).toISOString()})`,
    };
  }
  return {
    status: 'none',
    pending,
    message:
      pending > 0
        ? `no audit head anchored yet (${pending} waiting): only the hash chain was checked`
        : 'no audit head was ever anchored: only the hash chain was checked',
  };
}
