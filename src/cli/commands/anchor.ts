import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { getAddress, isAddress, type Address, type Hex } from 'viem';
import { anchorDirect, anchorDirectV2 } from '../../anchoring/index.js';
import { institutionSecrets, type Config } from '../../config/index.js';
import {
  MedproofError,
  documentPatientRef,
  parseDocType,
  parsePatientId,
  patientRef,
  toHex,
  type AnyReceipt,
  type LeafFields,
  type PatientId,
} from '../../core/index.js';
import { hashFile } from '../../io/index.js';
import type { Output } from '../output.js';
import { openChainForCommand, registryVersionFor, requireRegistry, requireSigner } from '../openChain.js';
import {
  checkInstitutionOnChain,
  checkProfileOnChain,
  institutionFor,
  readProfileFile,
} from '../v2Identity.js';

export interface AnchorOptions {
  readonly patient?: string;
  readonly type: string;
  readonly force?: boolean;
  /** Registry v2: the issuer the leaves name (default: the signer). */
  readonly issuer?: string;
  /** Registry v2: the issuer's profile file, as `medproof issuer enroll` wrote it. */
  readonly profile?: string;
  /** Registry v2: the institution file (default: the data folder's institution). */
  readonly institution?: string;
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
  let patient: PatientId | undefined;
  if (o.patient !== undefined) {
    const id = parsePatientId(o.patient);
    if (!id.ok) throw new MedproofError(id.code, `--patient: ${id.message}`);
    patient = id.value;
  }
  if (o.issuer !== undefined && !isAddress(o.issuer, { strict: false }))
    throw new MedproofError('BAD_ADDRESS', `--issuer: not an address: ${o.issuer}`);
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
    const registry = requireRegistry(chain);
    const v2 = (await registryVersionFor(chain)) === 2;
    // Read only with --patient: a third party anchoring by --rpc may have no data folder secrets.
    const secret = patient === undefined ? new Uint8Array() : institutionSecrets(config).patientRefSecret;
    const issuedAt = Math.floor(Date.now() / 1000);
    const fieldsFor = (issuer: Address, perDocument: boolean): LeafFields[] =>
      hashed.map((h) => {
        const salt = toHex(randomBytes(32));
        // v2 receipts carry a per-document reference, so two receipts of one patient do not link.
        const ref =
          patient === undefined
            ? NO_PATIENT
            : perDocument
              ? documentPatientRef(secret, patient, salt)
              : patientRef(secret, patient);
        return { docHash: h.docHash, salt, patientRef: ref, issuer, docType: docType.value, issuedAt };
      });
    let receipts: AnyReceipt[];
    let root: Hex;
    if (v2) {
      if (o.profile === undefined)
        throw new MedproofError(
          'PROFILE_REQUIRED',
          `${registry} is registry v2: its receipts carry the issuer's profile; pass --profile profile.json (as medproof issuer enroll wrote it) and --issuer ADDRESS unless the signer is the issuer`,
        );
      const issuerProfile = readProfileFile(o.profile);
      const institution = institutionFor(config, o.institution);
      const issuer = o.issuer !== undefined ? getAddress(o.issuer) : signer.address;
      // Refused here, before any gas: receipts that could never verify.
      await checkInstitutionOnChain(chain.conn, registry, institution);
      await checkProfileOnChain(chain.conn, registry, issuer, issuerProfile);
      ({ receipts, root } = await anchorDirectV2(chain.conn, signer, registry, fieldsFor(issuer, true), {
        issuerProfile,
        institution,
      }));
    } else {
      if (o.profile !== undefined || o.institution !== undefined || o.issuer !== undefined)
        throw new MedproofError(
          'REGISTRY_V2_ONLY',
          `--issuer, --profile and --institution are for registry v2; ${registry} is v1 (the signer is the issuer)`,
        );
      ({ receipts, root } = await anchorDirect(
        chain.conn,
        signer,
        registry,
        fieldsFor(signer.address, false),
      ));
    }
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
        receiptVersion: first.version,
        issuer: first.issuer,
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
