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
  | 'anchorTransaction'
  | 'revocation'
  | 'issuer'
  | 'issuerTerm'
  | 'issuerProfile'
  | 'institution'
  | 'institutionDomain'
  | 'issuerSignature';

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

/** What a transaction's receipt says about one root. */
export interface AnchorEventInfo {
  /** The chain knows the transaction (it has a receipt). */
  readonly txFound: boolean;
  /** Its receipt holds the registry's Anchored(root) log. */
  readonly found: boolean;
  /** The transaction's block, when the chain knows it. */
  readonly blockNumber?: number;
}

/** What a verifier needs from a chain: three registry views, one receipt and the chain id. Implemented in src/chain. */
export interface RegistryReader {
  chainId(): Promise<number>;
  rootInfo(registry: Address, root: Hex): Promise<RootInfo>;
  revocation(registry: Address, leaf: Hex): Promise<RevocationInfo>;
  isIssuer(registry: Address, account: Address): Promise<boolean>;
  /** Whether transaction `txHash` emitted the registry's Anchored(root) event. */
  anchorEvent(registry: Address, txHash: Hex, root: Hex): Promise<AnchorEventInfo>;
  /**
   * Whether the registry emitted Anchored(root) in block `blockNumber` (eth_getLogs): asked only when
   * the receipt's transaction is unknown, to tell a root anchored again from one written into storage.
   */
  anchoredInBlock(registry: Address, root: Hex, blockNumber: number): Promise<boolean>;
}

/** An issuer's standing at a time, as registry v2's `issuerAt` reports it (the contract's STATUS_* constants). */
export type IssuerStatus = 'UNKNOWN' | 'ACTIVE' | 'NOT_ACTIVE' | 'COMPROMISED';

/** What registry v2's `check(root, leaf, issuer)` answers in one call. */
export interface RegistryV2Facts {
  /** Unix seconds; 0 when the root is unknown. */
  readonly anchoredAt: number;
  readonly blockNumber: number;
  readonly leafCount: number;
  /** Unix seconds; 0 when not revoked. */
  readonly revokedAt: number;
  readonly reason: number;
  /** The replacing leaf when the reason is superseded; zero otherwise. */
  readonly supersededBy: Hex;
  /** At the root's anchoring time; UNKNOWN when the root is unknown. */
  readonly issuerStatus: IssuerStatus;
  readonly termIndex: number;
  /** The covering term's profile commitment; zero when no term covers the anchoring time. */
  readonly profile: Hex;
  /** The registry's institution commitment. */
  readonly institution: Hex;
}

/** What a verifier needs from a chain for a v2 receipt: one registry read, one transaction receipt, the chain id. */
export interface RegistryV2Reader {
  chainId(): Promise<number>;
  checkV2(registry: Address, root: Hex, leaf: Hex, issuer: Address): Promise<RegistryV2Facts>;
  /** Whether transaction `txHash` emitted the registry's Anchored(root) event. */
  anchorEvent(registry: Address, txHash: Hex, root: Hex): Promise<AnchorEventInfo>;
  /** As {@link RegistryReader.anchoredInBlock}. */
  anchoredInBlock(registry: Address, root: Hex, blockNumber: number): Promise<boolean>;
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
  /** Where and when the root was anchored; `anchorer` only from a v1 registry (v2 keeps it in the event). */
  readonly anchor?: Omit<RootInfo, 'anchorer'> & {
    readonly anchorer?: Address;
    readonly root: Hex;
    readonly chainId: number;
    readonly registry: Address;
    readonly txHash?: Hex;
  };
  readonly revocation?: RevocationInfo & { readonly reasonName: string; readonly supersededBy?: Hex };
  readonly issuer?: Address;
  /** Who issued it, from a v2 receipt's profile, present only when the profile matched the term's commitment. */
  readonly issuerIdentity?: IssuerIdentity;
  /** Whether the issuing doctor's passkey signed the leaf; v1 receipts and terms without passkeys are unsigned. */
  readonly issuerSignature?: {
    readonly signed: boolean;
    readonly message: string;
    readonly credentialId?: string;
  };
}

export interface IssuerIdentity {
  readonly name: string;
  readonly registrationNumber: string;
  readonly council: string;
  readonly institution: { readonly name: string; readonly domain: string };
}
