import { createHash, randomBytes } from 'node:crypto';
import type { Address, Hex } from 'viem';
import { computeLeaf } from '../../src/core/leaf/computeLeaf.js';
import type { LeafFields } from '../../src/core/leaf/LeafFields.js';
import { buildMerkleTree } from '../../src/core/merkle/buildMerkleTree.js';
import type { System } from '../../src/system/index.js';
import { sendV2 } from './registryV2.js';

const rand32 = (): Hex => `0x${randomBytes(32).toString('hex')}`;

/**
 * What a portal's anchorer alone can do (issue 9): put a leaf naming a doctor on chain, for any file,
 * with that doctor's public profile copied from one of their real receipts, but no signature of theirs.
 * Sent from the portal's own anchorer account; returns the forged receipt (unsigned).
 */
export async function anchorForgedLeaf(
  system: Pick<System, 'conn' | 'anchorer' | 'registry'>,
  bytes: string | Uint8Array,
  realReceipt: Record<string, unknown> & { issuer: Address },
): Promise<Record<string, unknown>> {
  const fields: LeafFields = {
    docHash: `0x${createHash('sha256').update(bytes).digest('hex')}`,
    salt: rand32(),
    patientRef: rand32(),
    issuer: realReceipt.issuer,
    docType: 'certificate',
    issuedAt: Math.floor(Date.now() / 1000),
  };
  const leaf = computeLeaf(fields);
  const tree = buildMerkleTree([leaf, rand32()]);
  const chain = { conn: system.conn, admin: system.anchorer, anchorer: system.anchorer };
  const tx = await sendV2(chain, system.anchorer, system.registry, 'anchor', [tree.root, 2]);
  const { issuerSignature: _none, ...rest } = realReceipt;
  return {
    ...rest,
    ...fields,
    leaf,
    proof: tree.proofAt(0),
    root: tree.root,
    txHash: tx.transactionHash,
    blockNumber: Number(tx.blockNumber),
  };
}
