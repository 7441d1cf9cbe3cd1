import { readFileSync } from 'node:fs';
import { registryReader } from '../../chain/registry/registryReader.js';
import { publicClientFor } from '../../chain/clients.js';
import type { Config } from '../../config/loadConfig.js';
import { isMedproofError, MedproofError } from '../../core/errors/MedproofError.js';
import { verifyDocument } from '../../core/verify/verifyDocument.js';
import type { RegistryReader, TrustAnchor, Verification } from '../../core/verify/types.js';
import { hashFile } from '../../fs/hashFile.js';
import { EXIT } from '../exitCodes.js';
import type { Output } from '../output.js';
import { openChainForCommand } from '../openChain.js';

const EXPLAIN: Record<Verification['verdict'], string> = {
  VALID: 'VALID: this file is the issued document, anchored on chain and not revoked',
  TAMPERED: 'TAMPERED: this file (or its receipt) is not the issued document',
  NOT_ANCHORED: 'NOT_ANCHORED: the chain has no record of this document',
  PENDING: 'PENDING: the document is waiting to be anchored',
  REVOKED: 'REVOKED: the issuer has revoked this document',
  UNKNOWN_ISSUER: 'UNKNOWN_ISSUER: the issuer is not authorised by the trusted registry',
  ERROR: 'ERROR: could not check',
};

function readReceipt(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MedproofError(
      'RECEIPT_NOT_FOUND',
      code === 'ENOENT' ? `receipt not found: ${path} (pass --receipt PATH)` : `cannot read receipt ${path}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new MedproofError('MALFORMED_RECEIPT', `malformed receipt ${path}: not JSON`);
  }
}

function unreachable(message: string): RegistryReader {
  const fail = () => Promise.reject(new Error(message));
  return { chainId: fail, rootInfo: fail, revocation: fail, isIssuer: fail };
}

/**
 * `medproof verify FILE`: needs only the file, its receipt and a chain endpoint, never a portal.
 * Exit 0 VALID, 1 checked and not valid, 2 could not check.
 */
export async function verifyCommand(
  config: Config,
  out: Output,
  file: string,
  o: { receipt?: string },
): Promise<number> {
  const receipt = readReceipt(o.receipt ?? `${file}.receipt.json`);
  const { docHash } = await hashFile(file);
  let result: Verification;
  const chain = await openChainForCommand(config, { create: false }).catch((error: unknown) => {
    // An unreachable chain is a verification result (ERROR), not a crash: the local checks still run,
    // so a tampered file is still reported as TAMPERED.
    if (isMedproofError(error, 'CHAIN_UNREACHABLE') && config.rpcUrl) return error;
    throw error;
  });
  if (chain instanceof MedproofError) {
    const trust: TrustAnchor = config.registry ? { registry: config.registry } : {};
    result = await verifyDocument({ docHash, receipt, reader: unreachable(chain.message), trust });
  } else {
    try {
      // A verifier's four reads go out as one JSON-RPC batch.
      const client = publicClientFor(chain.conn.rpcUrl, chain.conn.chainId, {
        batch: true,
        retryCount: 0,
        timeoutMs: 5000,
      });
      result = await verifyDocument({ docHash, receipt, reader: registryReader(client), trust: chain.trust });
    } finally {
      await chain.close();
    }
  }
  const lines = [
    EXPLAIN[result.verdict] +
      (result.verdict === 'ERROR' || result.verdict === 'TAMPERED' ? ` (${result.message})` : ''),
    ...result.checks.map((c) => `  ${c.status.padEnd(8)} ${c.check.padEnd(15)} ${c.message}`),
  ];
  out.result(lines, result);
  if (result.verdict === 'VALID') return EXIT.OK;
  return result.verdict === 'ERROR' ? EXIT.ERROR : EXIT.INVALID;
}
