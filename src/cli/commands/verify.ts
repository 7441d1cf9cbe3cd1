import { readFileSync } from 'node:fs';
import { hashFile, leanRegistryReader, nodeTxtResolver } from '../../io/index.js';
import type { Config } from '../../config/index.js';
import {
  MedproofError,
  parseTrustList,
  verifyDocument,
  type RegistryReader,
  type RegistryV2Reader,
  type TrustAnchor,
  type TrustList,
  type Verification,
} from '../../core/index.js';
import { EXIT } from '../exitCodes.js';
import type { Output } from '../output.js';

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

function readTrustList(path: string): TrustList {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new MedproofError('TRUST_LIST_NOT_FOUND', `cannot read trust list ${path}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MedproofError('MALFORMED_TRUST_LIST', `malformed trust list ${path}: not JSON`);
  }
  const parsed = parseTrustList(value);
  if (!parsed.ok) throw new MedproofError(parsed.code, `${path}: ${parsed.message}`);
  return parsed.value;
}

function unreachable(message: string): RegistryReader & RegistryV2Reader {
  const fail = () => Promise.reject(new Error(message));
  return {
    chainId: fail,
    rootInfo: fail,
    revocation: fail,
    isIssuer: fail,
    anchorEvent: fail,
    anchoredInBlock: fail,
    checkV2: fail,
  };
}

export interface VerifyOptions {
  receipt?: string;
  /** Override MEDPROOF_TRUST_LIST. */
  trustList?: string;
  /** Override MEDPROOF_DNS_SERVER. */
  dnsServer?: string;
}

/**
 * `medproof verify FILE`: needs only the file, its receipt and a chain endpoint, never a portal.
 * Exit 0 VALID, 1 checked and not valid, 2 could not check.
 */
export async function verifyCommand(
  config: Config,
  out: Output,
  file: string,
  o: VerifyOptions,
): Promise<number> {
  const receipt = readReceipt(o.receipt ?? `${file}.receipt.json`);
  const trustListPath = o.trustList ?? config.trustList;
  // Read before the chain is opened: a bad list is the verifier's mistake, not a verification result.
  const trustList = trustListPath !== undefined ? readTrustList(trustListPath) : undefined;
  // The CLI always has DNS (the system's, or MEDPROOF_DNS_SERVER): a v2 receipt's institution domain is
  // one way to trust its registry. v1 receipts name no institution and never ask.
  const txt = nodeTxtResolver(o.dnsServer ?? config.dnsServer);
  const extra = { txt, ...(trustList ? { trustList } : {}) };
  const { docHash } = await hashFile(file);
  let result: Verification;
  // v1 and v2 reads go over plain JSON-RPC (the lean reader): verifying loads neither viem nor
  // anything of the portal.
  const readerFor = (rpcUrl: string) => leanRegistryReader(rpcUrl, { timeoutMs: 5000 });
  if (config.rpcUrl) {
    // An unreachable chain is a verification result (ERROR), not a crash: the local checks still run,
    // so a tampered file is still reported as TAMPERED.
    const reader = readerFor(config.rpcUrl);
    const chainId = await reader.chainId().catch((error: unknown) => error as Error);
    if (chainId instanceof Error) {
      const trust: TrustAnchor = config.registry ? { registry: config.registry } : {};
      const message = `cannot reach the chain at ${config.rpcUrl}: ${chainId.message}`;
      result = await verifyDocument({ docHash, receipt, reader: unreachable(message), trust, ...extra });
    } else {
      const trust: TrustAnchor = { chainId, ...(config.registry ? { registry: config.registry } : {}) };
      result = await verifyDocument({ docHash, receipt, reader, trust, ...extra });
    }
  } else {
    // The data folder's embedded chain: joining or starting it needs the chain module (and viem).
    const { openChainForCommand } = await import('../openChain.js');
    const chain = await openChainForCommand(config, { create: false });
    try {
      const reader = readerFor(chain.conn.rpcUrl);
      result = await verifyDocument({ docHash, receipt, reader, trust: chain.trust, ...extra });
    } finally {
      await chain.close();
    }
  }
  // The precise reason when the verdict alone hides it (SUPERSEDED, ISSUER_NOT_ACTIVE, ISSUER_COMPROMISED).
  const why =
    result.verdict === 'ERROR' ||
    result.verdict === 'TAMPERED' ||
    (result.verdict !== 'VALID' && result.code !== result.verdict)
      ? ` (${result.message})`
      : '';
  const who = result.issuerIdentity;
  const dns = result.checks.find((c) => c.check === 'institutionDomain');
  const lines = [
    EXPLAIN[result.verdict] + why,
    ...(who
      ? [`  issued by ${who.name} (${who.council} ${who.registrationNumber}), ${who.institution.name}`]
      : []),
    // Said plainly either way: an unsigned document is the portal's word, not the doctor's.
    ...(result.issuerSignature && result.verdict === 'VALID' ? [`  ${result.issuerSignature.message}`] : []),
    ...(dns && dns.status !== 'SKIPPED' ? [`  institution ${dns.message}`] : []),
    ...result.checks.map((c) => `  ${c.status.padEnd(8)} ${c.check.padEnd(17)} ${c.message}`),
  ];
  out.result(lines, result);
  if (result.verdict === 'VALID') return EXIT.OK;
  return result.verdict === 'ERROR' ? EXIT.ERROR : EXIT.INVALID;
}
