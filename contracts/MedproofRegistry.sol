// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/**
 * @title MedproofRegistry
 * @notice Anchors Merkle roots of medical-document commitments and records revocations.
 *
 * Each leaf is `keccak256(bytes.concat(keccak256(abi.encode(docHash, salt, patientRef, issuer,
 * docType, issuedAt))))` (OpenZeppelin StandardMerkleTree encoding); leaves are combined in a
 * sorted-pair keccak tree and only the root is stored here. Nothing personal is ever on chain:
 * roots and leaves are salted commitments, the only address stored is the anchoring account.
 *
 * A verifier checks a document with three reads: {rootInfo} for the root its receipt names,
 * {revocation} for its leaf and {isIssuer} for the issuer its leaf names.
 */
contract MedproofRegistry is AccessControl {
    /// @notice Doctors (or institutions) whose leaves count as issued documents; they may also anchor and revoke.
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    /// @notice Accounts that submit batches on behalf of issuers (e.g. the portal's anchoring worker).
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");

    /// @dev Packs into two storage slots: (anchorer, anchoredAt) and (blockNumber, leafCount).
    struct RootRecord {
        address anchorer;
        uint64 anchoredAt;
        uint64 blockNumber;
        uint32 leafCount;
    }

    struct RevocationRecord {
        uint64 revokedAt;
        uint16 reason;
    }

    mapping(bytes32 root => RootRecord) private _roots;
    mapping(bytes32 leaf => RevocationRecord) private _revocations;

    /// @notice The root is zero, which would make unknown and anchored indistinguishable.
    error InvalidRoot(bytes32 root);
    /// @notice The root was anchored before; anchoring is write-once so an anchor's time never moves.
    error RootAlreadyAnchored(bytes32 root);
    /// @notice A batch must commit to at least one leaf.
    error InvalidLeafCount(bytes32 root, uint32 leafCount);
    /// @notice The leaf is zero.
    error InvalidLeaf(bytes32 leaf);
    /// @notice The leaf was revoked before; the first revocation (time and reason) stands.
    error LeafAlreadyRevoked(bytes32 leaf);
    /// @notice The caller holds neither of the roles the operation needs.
    error UnauthorizedAccount(address account, bytes32 neededRole, bytes32 orNeededRole);

    /// @notice A batch root was anchored.
    event Anchored(bytes32 indexed root, address indexed anchorer, uint32 leafCount);
    /// @notice A document leaf was revoked.
    event Revoked(bytes32 indexed leaf, address indexed revoker, uint16 reason);

    /// @param admin receives the admin, issuer and anchorer roles, so the deployer can anchor at once.
    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ISSUER_ROLE, admin);
        _grantRole(ANCHORER_ROLE, admin);
    }

    modifier onlyEither(bytes32 roleA, bytes32 roleB) {
        if (!hasRole(roleA, msg.sender) && !hasRole(roleB, msg.sender)) {
            revert UnauthorizedAccount(msg.sender, roleA, roleB);
        }
        _;
    }

    /**
     * @notice Anchors a Merkle root committing to `leafCount` document leaves.
     * @dev Callable by an issuer or an anchorer. Reverts on the zero root, a zero count and a root
     * anchored before.
     */
    function anchor(bytes32 root, uint32 leafCount) external onlyEither(ISSUER_ROLE, ANCHORER_ROLE) {
        if (root == bytes32(0)) revert InvalidRoot(root);
        if (leafCount == 0) revert InvalidLeafCount(root, leafCount);
        if (_roots[root].anchoredAt != 0) revert RootAlreadyAnchored(root);
        _roots[root] = RootRecord({
            anchorer: msg.sender,
            anchoredAt: uint64(block.timestamp),
            blockNumber: uint64(block.number),
            leafCount: leafCount
        });
        emit Anchored(root, msg.sender, leafCount);
    }

    /**
     * @notice Revokes one document by its leaf, with a reason code (see the project's reason table).
     * @dev Callable by an issuer or an admin. The leaf need not belong to a known root: revoking
     * first and anchoring later still reads as revoked.
     */
    function revoke(bytes32 leaf, uint16 reason) external onlyEither(ISSUER_ROLE, DEFAULT_ADMIN_ROLE) {
        if (leaf == bytes32(0)) revert InvalidLeaf(leaf);
        if (_revocations[leaf].revokedAt != 0) revert LeafAlreadyRevoked(leaf);
        _revocations[leaf] = RevocationRecord({revokedAt: uint64(block.timestamp), reason: reason});
        emit Revoked(leaf, msg.sender, reason);
    }

    /// @notice Who anchored `root`, when and in which block, and how many leaves it holds; zeros when unknown.
    function rootInfo(
        bytes32 root
    ) external view returns (address anchorer, uint64 anchoredAt, uint64 blockNumber, uint32 leafCount) {
        RootRecord storage r = _roots[root];
        return (r.anchorer, r.anchoredAt, r.blockNumber, r.leafCount);
    }

    /// @notice When `leaf` was revoked and why; zeros when it is not revoked.
    function revocation(bytes32 leaf) external view returns (uint64 revokedAt, uint16 reason) {
        RevocationRecord storage r = _revocations[leaf];
        return (r.revokedAt, r.reason);
    }

    /// @notice Whether `account` currently holds the issuer role.
    function isIssuer(address account) external view returns (bool) {
        return hasRole(ISSUER_ROLE, account);
    }
}
