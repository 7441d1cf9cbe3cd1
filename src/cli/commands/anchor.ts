import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Hex } from 'viem';
import { anchorDirect } from '../../anchoring/anchorDirect.js';
import type { Config } from '../../config/loadConfig.js';
import { loadSecrets } from '../../config/secrets.js';
import { MedproofError } from '../../core/errors/MedproofError.js';
import { toHex } from '../../core/hash/hex.js';
import { parseDocType } from '../../core/leaf/docType.js';
import type { LeafFields } from '../../core/leaf/LeafFields.js';
import { parsePatientId } from '../../core/patientId/parsePatientId.js';
import { patientRef } from '../../core/patientId/patientRef.js';
import { hashFile } from '../../fs/hashFile.js';
import type { Output } from '../output.js';
import { openChainForCommand, requireRegistry, requireSigner } from '../openChain.js';

export interface AnchorOptions {
  readonly patient?: string;
  readonly type: string;
  readonly force?: boolean;
}

const NO_PATIENT: Hex = `0x${'00'.repeat(32)}`;

/** `medproof anchor FILE…`: one batch, one transaction, a receipt beside each file. */
export async function anchorCommand(
  config: Config,
  out: Output,
  files: string[],
  o: AnchorOptions,
): Promise<number> {
  const docType = parseDocType(o.type);
  if (!docType.ok) throw new MedproofError('BAD_DOC_TYPE', docType.message);
  let ref = NO_PATIENT;
  if (o.patient !== undefined) {
    const id = parsePatientId(o.patient);
    if (!id.ok) throw new MedproofError(id.code, `--patient: ${id.message}`);
    ref = patientRef(loadSecrets(config.dataDir).patientRefSecret, id.value);
  }
  const unique = [...new Set(files)];
  for (const f of unique) {
    if (!o.force && existsSync(`${f}.receipt.json`)) {
      throw new MedproofError(
        'RECEIPT_EXISTS',
        `${f}.receipt.json exists already (pass --force to replace it)`,
      );
    }
  }
  const hashed: { file: string; docHash: Hex; size: number }[] = [];
  for (const f of unique) hashed.push({ file: f, ...(await hashFile(f)) });

  const chain = await openChainForCommand(config, { create: true });
  try {
    const signer = requireSigner(chain);
    const issuedAt = Math.floor(Date.now() / 1000);
    const docs: LeafFields[] = hashed.map((h) => ({
      docHash: h.docHash,
      salt: toHex(randomBytes(32)),
      patientRef: ref,
      issuer: signer.address,
      docType: docType.value,
      issuedAt,
    }));
    const { receipts, root } = await anchorDirect(chain.conn, signer, requireRegistry(chain), docs);
    // On the embedded anvil, wait until its state file holds the anchor before handing out receipts.
    await chain.durable();
    receipts.forEach((r, i) =>
      writeFileSync(`${hashed[i]!.file}.receipt.json`, `${JSON.stringify(r, null, 2)}\n`),
    );
    const first = receipts[0]!;
    out.result(
      [
        `anchored ${receipts.length} file${receipts.length === 1 ? '' : 's'} in block ${first.blockNumber} (tx ${first.txHash})`,
        ...hashed.map((h) => `  ${basename(h.file)} → ${basename(h.file)}.receipt.json`),
      ],
      {
        root,
        txHash: first.txHash,
        blockNumber: first.blockNumber,
        chainId: first.chainId,
        registry: first.registry,
        files: hashed.map((h, i) => ({
          file: h.file,
          receipt: `${h.file}.receipt.json`,
          docHash: h.docHash,
          leaf: receipts[i]!.leaf,
        })),
      },
    );
    return 0;
  } finally {
    await chain.close();
  }
}
