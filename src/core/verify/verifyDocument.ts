import type { Hex } from 'viem';
import { parseReceipt } from '../receipt/parseReceipt.js';
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
import type { CheckName, CheckResult, RegistryReader, TrustAnchor, Verification } from './types.js';

export interface VerifyInput {
  /** SHA-256 of the file, computed by the verifier itself (never taken from the receipt). */
  readonly docHash: Hex;
  /** The receipt as parsed JSON, unchecked: a malformed one is an ERROR result, not an exception. */
  readonly receipt: unknown;
  readonly reader: RegistryReader;
  readonly trust?: TrustAnchor;
}

const CHAIN_CHECKS: readonly CheckName[] = ['chainId', 'rootAnchored', 'revocation', 'issuer'];

/**
 * Verifies a document from its hash and receipt against the chain, as independent checks combined by
 * {@link combineChecks}. Reads only the chain, never a portal's database, so a third party can run it.
 */
export async function verifyDocument(input: VerifyInput): Promise<Verification> {
  const trust = input.trust ?? {};
  const parsed = parseReceipt(input.receipt);
  const checks: CheckResult[] = [receiptFormat(parsed)];
  if (!parsed.ok) {
    const rest: CheckName[] = ['documentHash', 'leafCommitment', 'merkleProof', 'registry', ...CHAIN_CHECKS];
    checks.push(...rest.map((name) => skipped(name, 'receipt is malformed')));
    return { ...combineChecks(checks), docHash: input.docHash, checks };
  }
  const receipt = parsed.value;
  checks.push(documentHash(input.docHash, receipt), leafCommitment(receipt), merkleProof(receipt));
  const registryCheck = registry(receipt, trust);
  checks.push(registryCheck);

  const localFailure = checks.some((c) => c.status === 'INVALID');
  if (localFailure) {
    checks.push(...CHAIN_CHECKS.map((name) => skipped(name, 'not asked: the document already failed')));
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
    checks.push(rootAnchored(facts), revocation(facts), issuer(facts, receipt));
  }

  const result: Verification = {
    ...combineChecks(checks),
    docHash: input.docHash,
    checks,
    issuer: receipt.issuer,
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
