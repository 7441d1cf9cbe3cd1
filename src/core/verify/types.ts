import type { Address, Hex } from 'viem';

export type CheckStatus = 'VALID' | 'INVALID' | 'ERROR' | 'SKIPPED';

export type CheckName =
  | 'receiptFormat'
  | 'documentHash'
  | 'leafCommitment'
  | 'merkleProof'
  | 'chainId'
  | 'registry'
  | 'rootAnchored'
  | 'revocation'
  | 'issuer';

/** One independent check's outcome. `code` is stable: the README's verification table lists every one. */
export interface CheckResult {
  readonly check: CheckName;
  readonly status: CheckStatus;
  readonly code: string;
  readonly message: string;
}

/** The overall answer. ERROR means "could not check", never "checked and failed". */
export type Verdict =
  'VALID' | 'TAMPERED' | 'NOT_ANCHORED' | 'PENDING' | 'REVOKED' | 'UNKNOWN_ISSUER' | 'ERROR';

export interface RootInfo {
  readonly anchorer: Address;
  /** Unix seconds; 0 when the root is unknown. */
  readonly anchoredAt: number;
  readonly blockNumber: number;
  readonly leafCount: number;
}

export interface RevocationInfo {
  /** Unix seconds; 0 when not revoked. */
  readonly revokedAt: number;
  readonly reason: number;
}

/** What a verifier needs from a chain: three registry views and the chain id. Implemented in src/chain. */
export interface RegistryReader {
  chainId(): Promise<number>;
  rootInfo(registry: Address, root: Hex): Promise<RootInfo>;
  revocation(registry: Address, leaf: Hex): Promise<RevocationInfo>;
  isIssuer(registry: Address, account: Address): Promise<boolean>;
}

/** The chain endpoint and registry the verifier trusts; a receipt naming another registry is not trusted. */
export interface TrustAnchor {
  readonly chainId?: number;
  readonly registry?: Address;
}

export interface Verification {
  readonly verdict: Verdict;
  /** The deciding check's code (e.g. TAMPERED, CHAIN_UNREACHABLE), or VALID. */
  readonly code: string;
  readonly message: string;
  readonly docHash: Hex;
  readonly checks: readonly CheckResult[];
  readonly anchor?: RootInfo & {
    readonly root: Hex;
    readonly chainId: number;
    readonly registry: Address;
    readonly txHash?: Hex;
  };
  readonly revocation?: RevocationInfo & { readonly reasonName: string };
  readonly issuer?: Address;
}
