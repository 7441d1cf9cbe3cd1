import type { Hex } from 'viem';
import type { TrustList } from '../identity/trustListSchema.js';
import type { TxtResolver } from '../identity/TxtResolver.js';
import type { ReceiptV2 } from '../receipt/receiptV2Schema.js';
import { anchorTransaction } from './checks/anchorTransaction.js';
import { anchorLogIfLost, type Settled } from './checks/chainFacts.js';
import { chainId } from './checks/chainId.js';
import { check, skipped } from './checks/check.js';
import { documentHash } from './checks/documentHash.js';
import { institution } from './checks/institution.js';
import { institutionDomain } from './checks/institutionDomain.js';
import { issuerProfile } from './checks/issuerProfile.js';
import { issuerSignature } from './checks/issuerSignature.js';
import { issuerTerm } from './checks/issuerTerm.js';
import { leafCommitment } from './checks/leafCommitment.js';
import { merkleProof } from './checks/merkleProof.js';
import { registryTrust } from './checks/registryTrust.js';
import { revocation } from './checks/revocation.js';
import { rootAnchored } from './checks/rootAnchored.js';
import { combineChecks, REQUIRED_FOR_VALID_V2 } from './combineChecks.js';
import { revocationReasonName } from './revocationReasons.js';
import type { CheckName, CheckResult, RegistryV2Reader, TrustAnchor, Verification } from './types.js';

export interface VerifyV2Input {
  readonly docHash: Hex;
  readonly receipt: ReceiptV2;
  readonly format: CheckResult;
  /** Undefined when the caller's reader only speaks registry v1: the chain checks then cannot run. */
  readonly reader: RegistryV2Reader | undefined;
  readonly trust: TrustAnchor;
  readonly trustList: TrustList | undefined;
  readonly txt: TxtResolver | undefined;
}

const CHAIN_CHECKS_V2: readonly CheckName[] = [
  'chainId',
  'rootAnchored',
  'anchorTransaction',
  'revocation',
  'issuerTerm',
  'issuerProfile',
  'institution',
  'issuerSignature',
];

const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({
      ok: false as const,
      error: error instanceof Error ? error.message : String(error),
    }),
  );

const mapSettled = <T, U>(s: Settled<T>, f: (v: T) => U): Settled<U> =>
  s.ok ? { ok: true, value: f(s.value) } : s;

/**
 * A v2 receipt's checks: the local ones as for v1, then one registry read (`check(root, leaf, issuer)`),
 * the anchoring transaction and the chain id, and — in parallel — the institution's DNS record. The
 * issuer is judged by the term covering the chain's anchoring time, and the receipt's profile and
 * institution must hash to the registry's commitments.
 */
export async function verifyReceiptV2(input: VerifyV2Input): Promise<Verification> {
  const { receipt, trust } = input;
  const checks: CheckResult[] = [
    input.format,
    documentHash(input.docHash, receipt),
    leafCommitment(receipt),
    merkleProof(receipt),
  ];
  const base = { docHash: input.docHash, issuer: receipt.issuer };
  const skipRest = (message: string, names: readonly CheckName[]) =>
    checks.push(...names.map((name) => skipped(name, message)));

  if (checks.some((c) => c.status === 'INVALID')) {
    skipRest('not asked: the document already failed', ['registry', 'institutionDomain', ...CHAIN_CHECKS_V2]);
    return { ...combineChecks(checks, REQUIRED_FOR_VALID_V2), ...base, checks };
  }
  const reader = input.reader;
  if (!reader) {
    checks.push(
      check(
        'chainId',
        'ERROR',
        'CHAIN_UNREACHABLE',
        'a v2 receipt needs a registry v2 reader; none was given',
      ),
    );
    skipRest('not asked: no registry v2 reader', [
      'registry',
      'institutionDomain',
      ...CHAIN_CHECKS_V2.slice(1),
    ]);
    return { ...combineChecks(checks, REQUIRED_FOR_VALID_V2), ...base, checks };
  }

  const [chain, facts, anchorEvent, dns, signatureCheck] = await Promise.all([
    settle(reader.chainId()),
    settle(reader.checkV2(receipt.registry, receipt.root, receipt.leaf, receipt.issuer)),
    settle(reader.anchorEvent(receipt.registry, receipt.txHash, receipt.root)),
    institutionDomain(input.txt, receipt),
    issuerSignature(receipt),
  ]);
  checks.push(registryTrust(receipt, { anchor: trust, trustList: input.trustList, dns }), dns);

  const chainCheck = chainId({ chainId: chain }, receipt, trust);
  checks.push(chainCheck);
  if (chainCheck.status !== 'VALID') {
    skipRest('not asked: the chain could not be checked', CHAIN_CHECKS_V2.slice(1));
    return { ...combineChecks(checks, REQUIRED_FOR_VALID_V2), ...base, checks };
  }
  const rootInfo = mapSettled(facts, (f) => ({ anchoredAt: f.anchoredAt, blockNumber: f.blockNumber }));
  const profileCheck = issuerProfile(facts, receipt);
  const anchorLog = await anchorLogIfLost(reader, receipt, anchorEvent, rootInfo);
  checks.push(
    rootAnchored({ rootInfo }),
    anchorTransaction({ anchorEvent, rootInfo, anchorLog }, receipt),
    revocation({ revocation: facts }),
    issuerTerm(facts, receipt.issuer),
    profileCheck,
    institution(facts, receipt),
    signatureCheck,
  );

  const f = facts.ok ? facts.value : undefined;
  const p = receipt.issuerProfile;
  return {
    ...combineChecks(checks, REQUIRED_FOR_VALID_V2),
    ...base,
    checks,
    ...(f && f.anchoredAt > 0
      ? {
          anchor: {
            anchoredAt: f.anchoredAt,
            blockNumber: f.blockNumber,
            leafCount: f.leafCount,
            root: receipt.root,
            chainId: receipt.chainId,
            registry: receipt.registry,
            txHash: receipt.txHash,
          },
        }
      : {}),
    ...(f && f.revokedAt > 0
      ? {
          revocation: {
            revokedAt: f.revokedAt,
            reason: f.reason,
            reasonName: revocationReasonName(f.reason),
            ...(f.reason === 1 ? { supersededBy: f.supersededBy } : {}),
          },
        }
      : {}),
    issuerSignature: signatureOf(signatureCheck, receipt),
    ...(profileCheck.status === 'VALID'
      ? {
          issuerIdentity: {
            name: p.name,
            registrationNumber: p.registrationNumber,
            council: p.council,
            institution: { name: p.institution.name, domain: p.institution.domain },
          },
        }
      : {}),
  };
}

/** The result's plain statement of who signed: the doctor's passkey, or nobody but the portal. */
function signatureOf(c: CheckResult, receipt: ReceiptV2): NonNullable<Verification['issuerSignature']> {
  if (c.status === 'VALID' && c.code === 'VALID' && receipt.issuerSignature)
    return { signed: true, message: c.message, credentialId: receipt.issuerSignature.credentialId };
  return { signed: false, message: c.message };
}
