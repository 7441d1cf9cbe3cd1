import type { Hex } from 'viem';
import type { TrustList } from '../identity/trustListSchema.js';
import type { TxtResolver } from '../identity/TxtResolver.js';
import { parseReceipt } from '../receipt/parseReceipt.js';
import type { Receipt } from '../receipt/receiptSchema.js';
import { anchorTransaction } from './checks/anchorTransaction.js';
import { chainId } from './checks/chainId.js';
import { readChainFacts } from './checks/chainFacts.js';
import { skipped } from './checks/check.js';
import { documentHash } from './checks/documentHash.js';
import { issuer } from './checks/issuer.js';
import { leafCommitment } from './checks/leafCommitment.js';
import { merkleProof } from './checks/merkleProof.js';
import { receiptFormat } from './checks/receiptFormat.js';
import { registry } from './checks/registry.js';
import { revocation } from './checks/revocation.js';
import { rootAnchored } from './checks/rootAnchored.js';
import { combineChecks } from './combineChecks.js';
import { revocationReasonName } from './revocationReasons.js';
import type {
  CheckName,
  CheckResult,
  RegistryReader,
  RegistryV2Reader,
  TrustAnchor,
  Verification,
} from './types.js';
import { verifyReceiptV2 } from './verifyReceiptV2.js';

export interface VerifyInput {
  /** SHA-256 of the file, computed by the verifier itself (never taken from the receipt). */
  readonly docHash: Hex;
  /** The receipt as parsed JSON, unchecked: a malformed one is an ERROR result, not an exception. */
  readonly receipt: unknown;
  /** v1 receipts need a RegistryReader, v2 receipts a RegistryV2Reader; a reader may be both. */
  readonly reader: RegistryReader | RegistryV2Reader;
  readonly trust?: TrustAnchor;
  /** Registries the verifier chose to trust besides `trust` (v2 receipts). */
  readonly trustList?: TrustList;
  /** Looks up the institution's DNS TXT record (v2 receipts); without one that check is SKIPPED. */
  readonly txt?: TxtResolver;
}

/** A v1 receipt has no place for the doctor's signature: the result says so rather than staying silent. */
const V1_UNSIGNED = 'not signed by the doctor: a v1 receipt carries no passkey signature';

const CHAIN_CHECKS: readonly CheckName[] = [
  'chainId',
  'rootAnchored',
  'anchorTransaction',
  'revocation',
  'issuer',
];

/**
 * Verifies a document from its hash and receipt against the chain, as independent checks combined by
 * {@link combineChecks}. Reads only the chain (and, for v2, the institution's DNS), never a portal's
 * database, so a third party can run it. Dispatches on the receipt's version.
 */
export async function verifyDocument(input: VerifyInput): Promise<Verification> {
  const parsed = parseReceipt(input.receipt);
  const format = receiptFormat(parsed);
  if (!parsed.ok) {
    const rest: CheckName[] = ['documentHash', 'leafCommitment', 'merkleProof', 'registry', ...CHAIN_CHECKS];
    const checks = [format, ...rest.map((name) => skipped(name, 'receipt is malformed'))];
    return { ...combineChecks(checks), docHash: input.docHash, checks };
  }
  if (parsed.value.version === 2) {
    return verifyReceiptV2({
      docHash: input.docHash,
      receipt: parsed.value,
      format,
      reader: 'checkV2' in input.reader ? input.reader : undefined,
      trust: input.trust ?? {},
      trustList: input.trustList,
      txt: input.txt,
    });
  }
  return verifyReceiptV1(input, parsed.value, format);
}

async function verifyReceiptV1(
  input: VerifyInput,
  receipt: Receipt,
  format: CheckResult,
): Promise<Verification> {
  const trust = input.trust ?? {};
  const checks: CheckResult[] = [format];
  checks.push(documentHash(input.docHash, receipt), leafCommitment(receipt), merkleProof(receipt));
  const registryCheck = registry(receipt, trust);
  checks.push(registryCheck);

  const localFailure = checks.some((c) => c.status === 'INVALID');
  if (localFailure) {
    checks.push(...CHAIN_CHECKS.map((name) => skipped(name, 'not asked: the document already failed')));
    return { ...combineChecks(checks), docHash: input.docHash, checks, issuer: receipt.issuer };
  }
  if (!('rootInfo' in input.reader)) {
    checks.push(...CHAIN_CHECKS.map((name) => skipped(name, 'no registry v1 reader for a v1 receipt')));
    return { ...combineChecks(checks), docHash: input.docHash, checks, issuer: receipt.issuer };
  }

  const facts = await readChainFacts(input.reader, receipt);
  const chainCheck = chainId(facts, receipt, trust);
  checks.push(chainCheck);
  if (chainCheck.status !== 'VALID') {
    checks.push(
      ...CHAIN_CHECKS.slice(1).map((name) => skipped(name, 'not asked: the chain could not be checked')),
    );
  } else {
    checks.push(
      rootAnchored(facts),
      anchorTransaction(facts, receipt),
      revocation(facts),
      issuer(facts, receipt),
    );
  }

  const result: Verification = {
    ...combineChecks(checks),
    docHash: input.docHash,
    checks,
    issuer: receipt.issuer,
    issuerSignature: { signed: false, message: V1_UNSIGNED },
  };
  const root = facts.rootInfo.ok && facts.rootInfo.value.anchoredAt > 0 ? facts.rootInfo.value : undefined;
  const rev =
    facts.revocation.ok && facts.revocation.value.revokedAt > 0 ? facts.revocation.value : undefined;
  return {
    ...result,
    ...(root && chainCheck.status === 'VALID'
      ? {
          anchor: {
            ...root,
            root: receipt.root,
            chainId: receipt.chainId,
            registry: receipt.registry,
            txHash: receipt.txHash,
          },
        }
      : {}),
    ...(rev && chainCheck.status === 'VALID'
      ? { revocation: { ...rev, reasonName: revocationReasonName(rev.reason) } }
      : {}),
  };
}
