// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/**
 * @title MedproofRegistryV2
 * @notice Anchors Merkle roots of medical-document commitments, keeps each issuer's terms of office
 * and accepts revocations only with a proof that the leaf is in an anchored root. A verifier needs
 * one read ({check}) and no portal.
 *
 * Each leaf is `keccak256(bytes.concat(keccak256(abi.encode(docHash, salt, patientRef, issuer,
 * docType, issuedAt))))` (OpenZeppelin StandardMerkleTree encoding); leaves are combined in a
 * sorted-pair keccak tree and only the root is stored. Nothing personal is on chain: roots, leaves,
 * issuer profiles and the institution are salted commitments.
 *
 * Roles: `DEFAULT_ADMIN_ROLE` manages roles and the institution commitment; `REGISTRAR_ROLE` manages
 * issuer terms; `ANCHORER_ROLE` anchors roots (issuers do not anchor); `REVOKER_ROLE` revokes any
 * document of the institution.
 */
contract MedproofRegistryV2 is AccessControl {
    /// @notice Manages issuer terms: enrols, renews, retires and marks issuers compromised.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");
    /// @notice Submits batch roots (the portal's anchoring engine). The only role that anchors.
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");
    /// @notice The institution's revoker: may revoke any anchored document.
    bytes32 public constant REVOKER_ROLE = keccak256("REVOKER_ROLE");

    /// @notice {issuerAt} status: the address was never enrolled.
    uint8 public constant STATUS_UNKNOWN = 0;
    /// @notice {issuerAt} status: a term covers the time and no compromise point precedes it.
    uint8 public constant STATUS_ACTIVE = 1;
    /// @notice {issuerAt} status: enrolled at some point, but no term covers the time.
    uint8 public constant STATUS_NOT_ACTIVE = 2;
    /// @notice {issuerAt} status: the issuer's key is compromised from a point at or before the time.
    uint8 public constant STATUS_COMPROMISED = 3;

    /// @notice Revocation reason that names the replacing leaf.
    uint16 public constant REASON_SUPERSEDED = 1;

    /// @dev One storage slot (64 + 64 + 32 bits). Who anchored is only in the {Anchored} event.
    struct RootRecord {
        uint64 anchoredAt;
        uint64 blockNumber;
        uint32 leafCount;
    }

    /// @dev A term covers time `t` when `from <= t` and (`until == 0` or `t < until`).
    struct Term {
        uint64 from;
        uint64 until;
        bytes32 profile;
    }

    struct IssuerRecord {
        uint64 compromisedFrom;
        Term[] terms;
    }

    struct RevocationRecord {
        uint64 revokedAt;
        uint16 reason;
        bytes32 supersededBy;
    }

    /// @notice The fields a document's leaf commits to, in leaf-encoding order.
    struct LeafFields {
        bytes32 docHash;
        bytes32 salt;
        bytes32 patientRef;
        address issuer;
        string docType;
        uint64 issuedAt;
    }

    /// @notice Everything a verifier reads for one document, from {check}.
    struct CheckResult {
        uint64 anchoredAt;
        uint64 blockNumber;
        uint32 leafCount;
        uint64 revokedAt;
        uint16 reason;
        bytes32 supersededBy;
        uint8 issuerStatus;
        uint256 termIndex;
        bytes32 profile;
        bytes32 institution;
    }

    bytes32 private _institution;
    mapping(bytes32 root => RootRecord) private _roots;
    mapping(address issuer => IssuerRecord) private _issuers;
    mapping(bytes32 leaf => RevocationRecord) private _revocations;

    /// @notice The root is zero, which would make unknown and anchored indistinguishable.
    error InvalidRoot(bytes32 root);
    /// @notice A batch must commit to at least one leaf.
    error InvalidLeafCount(bytes32 root, uint32 leafCount);
    /// @notice The root was anchored before; anchoring is write-once so an anchor's time never moves.
    error RootAlreadyAnchored(bytes32 root);
    /// @notice The root was never anchored here.
    error RootNotAnchored(bytes32 root);
    /// @notice The issuer address is zero.
    error InvalidIssuer(address issuer);
    /// @notice The profile commitment is zero.
    error InvalidProfile(address issuer);
    /// @notice The issuer has an open term already.
    error IssuerAlreadyActive(address issuer);
    /// @notice The issuer has no open term.
    error IssuerNotActive(address issuer);
    /// @notice The issuer is marked compromised and cannot start a term again.
    error IssuerIsCompromised(address issuer);
    /// @notice A compromise point must be non-zero and not in the future.
    error InvalidCompromiseTime(address issuer, uint64 from);
    /// @notice The Merkle proof does not lead from the leaf to the root.
    error InvalidProof(bytes32 leaf, bytes32 root);
    /// @notice The caller is neither the leaf's (uncompromised) issuer, nor a revoker, nor an admin.
    error NotAllowedToRevoke(address account, bytes32 leaf);
    /// @notice `superseded` needs a successor other than the leaf itself; other reasons need none.
    error InvalidSuccessor(bytes32 leaf, bytes32 supersededBy);
    /// @notice The leaf was revoked before; the first revocation stands.
    error LeafAlreadyRevoked(bytes32 leaf);

    /// @notice The institution commitment was set.
    event InstitutionChanged(bytes32 commitment);
    /// @notice A batch root was anchored.
    event Anchored(bytes32 indexed root, address indexed anchorer, uint32 leafCount);
    /// @notice A term (index `term`) started for `issuer` with this profile commitment.
    event IssuerEnrolled(address indexed issuer, uint256 indexed term, bytes32 profile);
    /// @notice The issuer's term `term` ended at `until`.
    event IssuerRetired(address indexed issuer, uint256 indexed term, uint64 until);
    /// @notice The issuer is compromised from `from` (the earliest point reported).
    event IssuerCompromised(address indexed issuer, uint64 from);
    /// @notice A document leaf was revoked.
    event Revoked(bytes32 indexed leaf, address indexed revoker, uint16 reason, bytes32 supersededBy);

    /**
     * @param admin receives all four roles, so the deployer can run a single-account institution.
     * @param institution_ salted commitment to the institution's public identity (name and domain).
     */
    constructor(address admin, bytes32 institution_) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, admin);
        _grantRole(ANCHORER_ROLE, admin);
        _grantRole(REVOKER_ROLE, admin);
        _institution = institution_;
        emit InstitutionChanged(institution_);
    }

    /// @notice The registry's interface version.
    function version() external pure returns (uint16) {
        return 2;
    }

    // ----------------------------------------------------------------------------------------------
    // Institution

    /// @notice Salted commitment to the institution's public identity (name and domain).
    function institution() external view returns (bytes32) {
        return _institution;
    }

    /// @notice Replaces the institution commitment (e.g. a new domain or a new salt).
    function setInstitution(bytes32 commitment) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _institution = commitment;
        emit InstitutionChanged(commitment);
    }

    // ----------------------------------------------------------------------------------------------
    // Anchoring

    /**
     * @notice Anchors a Merkle root committing to `leafCount` document leaves, at this block's time.
     * @dev One storage slot per root. Reverts on the zero root, a zero count and a root anchored before.
     */
    function anchor(bytes32 root, uint32 leafCount) external onlyRole(ANCHORER_ROLE) {
        if (root == bytes32(0)) revert InvalidRoot(root);
        if (leafCount == 0) revert InvalidLeafCount(root, leafCount);
        RootRecord storage r = _roots[root];
        if (r.anchoredAt != 0) revert RootAlreadyAnchored(root);
        r.anchoredAt = uint64(block.timestamp);
        r.blockNumber = uint64(block.number);
        r.leafCount = leafCount;
        emit Anchored(root, msg.sender, leafCount);
    }

    /// @notice When and in which block `root` was anchored, and how many leaves it holds; zeros when unknown.
    function rootInfo(bytes32 root) external view returns (uint64 anchoredAt, uint64 blockNumber, uint32 leafCount) {
        RootRecord storage r = _roots[root];
        return (r.anchoredAt, r.blockNumber, r.leafCount);
    }

    // ----------------------------------------------------------------------------------------------
    // Issuer terms

    /**
     * @notice Starts a term for `issuer` now, with `profile` (salted commitment to the issuer's public
     * profile: name, registration, institution, passkey public keys).
     */
    function enrollIssuer(address issuer, bytes32 profile) external onlyRole(REGISTRAR_ROLE) {
        if (issuer == address(0)) revert InvalidIssuer(issuer);
        if (profile == bytes32(0)) revert InvalidProfile(issuer);
        IssuerRecord storage rec = _issuers[issuer];
        if (rec.compromisedFrom != 0) revert IssuerIsCompromised(issuer);
        if (_hasOpenTerm(rec)) revert IssuerAlreadyActive(issuer);
        _startTerm(issuer, rec, profile);
    }

    /**
     * @notice Ends the issuer's open term now and starts a new one now with `profile` (a new passkey
     * or registration detail). Documents anchored before keep the earlier term's profile.
     */
    function renewIssuer(address issuer, bytes32 profile) external onlyRole(REGISTRAR_ROLE) {
        if (issuer == address(0)) revert InvalidIssuer(issuer);
        if (profile == bytes32(0)) revert InvalidProfile(issuer);
        IssuerRecord storage rec = _issuers[issuer];
        if (rec.compromisedFrom != 0) revert IssuerIsCompromised(issuer);
        if (!_hasOpenTerm(rec)) revert IssuerNotActive(issuer);
        _endOpenTerm(issuer, rec);
        _startTerm(issuer, rec, profile);
    }

    /// @notice Ends the issuer's open term now. Documents anchored during the term stay valid.
    function retireIssuer(address issuer) external onlyRole(REGISTRAR_ROLE) {
        IssuerRecord storage rec = _issuers[issuer];
        if (!_hasOpenTerm(rec)) revert IssuerNotActive(issuer);
        _endOpenTerm(issuer, rec);
    }

    /**
     * @notice Marks `issuer` compromised from `from` (at or before now) and ends any open term.
     * Documents anchored from `from` on read as compromised; earlier ones keep their status.
     * @dev Called again, the earliest point stands; {IssuerCompromised} always carries the point in force.
     * An address may be marked before it is ever enrolled (a key known to be leaked); it then cannot be enrolled.
     */
    function markCompromised(address issuer, uint64 from) external onlyRole(REGISTRAR_ROLE) {
        if (issuer == address(0)) revert InvalidIssuer(issuer);
        if (from == 0 || from > block.timestamp) revert InvalidCompromiseTime(issuer, from);
        IssuerRecord storage rec = _issuers[issuer];
        if (rec.compromisedFrom == 0 || from < rec.compromisedFrom) rec.compromisedFrom = from;
        if (_hasOpenTerm(rec)) _endOpenTerm(issuer, rec);
        emit IssuerCompromised(issuer, rec.compromisedFrom);
    }

    /// @notice How many terms `issuer` has had (open or ended).
    function termCount(address issuer) external view returns (uint256) {
        return _issuers[issuer].terms.length;
    }

    /// @notice The issuer's term `index`; reverts (array bounds) when there is none.
    function termAt(
        address issuer,
        uint256 index
    ) external view returns (uint64 from, uint64 until, bytes32 profile) {
        Term storage t = _issuers[issuer].terms[index];
        return (t.from, t.until, t.profile);
    }

    /// @notice From when `issuer` is compromised; 0 when never.
    function compromisedFrom(address issuer) external view returns (uint64) {
        return _issuers[issuer].compromisedFrom;
    }

    /**
     * @notice The issuer's standing at `time`: `status` is one of the STATUS_* constants; `termIndex`
     * and `profile` name the term covering `time` (also when compromised), or are 0 when none covers it.
     */
    function issuerAt(
        address issuer,
        uint64 time
    ) public view returns (uint8 status, uint256 termIndex, bytes32 profile) {
        IssuerRecord storage rec = _issuers[issuer];
        Term[] storage terms = rec.terms;
        bool covered;
        // Terms are appended in time order and never overlap: the last one starting at or before
        // `time` is the only one that can cover it.
        for (uint256 i = terms.length; i > 0; --i) {
            Term storage t = terms[i - 1];
            if (t.from <= time) {
                if (t.until == 0 || time < t.until) {
                    covered = true;
                    termIndex = i - 1;
                    profile = t.profile;
                }
                break;
            }
        }
        if (rec.compromisedFrom != 0 && time >= rec.compromisedFrom) status = STATUS_COMPROMISED;
        else if (covered) status = STATUS_ACTIVE;
        else if (terms.length == 0) status = STATUS_UNKNOWN;
        else status = STATUS_NOT_ACTIVE;
    }

    function _hasOpenTerm(IssuerRecord storage rec) private view returns (bool) {
        uint256 n = rec.terms.length;
        return n != 0 && rec.terms[n - 1].until == 0;
    }

    function _startTerm(address issuer, IssuerRecord storage rec, bytes32 profile) private {
        rec.terms.push(Term({from: uint64(block.timestamp), until: 0, profile: profile}));
        emit IssuerEnrolled(issuer, rec.terms.length - 1, profile);
    }

    function _endOpenTerm(address issuer, IssuerRecord storage rec) private {
        uint256 index = rec.terms.length - 1;
        uint64 until = uint64(block.timestamp);
        rec.terms[index].until = until;
        emit IssuerRetired(issuer, index, until);
    }

    // ----------------------------------------------------------------------------------------------
    // Revocation

    /**
     * @notice Revokes one document, proven to be in an anchored root. Allowed to the issuer the leaf
     * names (unless that issuer is compromised now), a revoker and an admin.
     * @param f the leaf's fields; the leaf is recomputed from them.
     * @param root an anchored root holding the leaf.
     * @param proof the sorted-pair Merkle path from the leaf to `root`.
     * @param reason the reason code (0 unspecified, 1 superseded, 2 issued-in-error, 3 fraud-suspected, 4 patient-request).
     * @param supersededBy the replacing leaf when `reason` is superseded; zero otherwise.
     */
    function revoke(
        LeafFields calldata f,
        bytes32 root,
        bytes32[] calldata proof,
        uint16 reason,
        bytes32 supersededBy
    ) external {
        bytes32 leaf = leafOf(f);
        if (!_mayRevoke(msg.sender, f.issuer)) revert NotAllowedToRevoke(msg.sender, leaf);
        if (_roots[root].anchoredAt == 0) revert RootNotAnchored(root);
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert InvalidProof(leaf, root);
        if (reason == REASON_SUPERSEDED ? (supersededBy == bytes32(0) || supersededBy == leaf) : supersededBy != 0) {
            revert InvalidSuccessor(leaf, supersededBy);
        }
        RevocationRecord storage r = _revocations[leaf];
        if (r.revokedAt != 0) revert LeafAlreadyRevoked(leaf);
        r.revokedAt = uint64(block.timestamp);
        r.reason = reason;
        r.supersededBy = supersededBy;
        emit Revoked(leaf, msg.sender, reason, supersededBy);
    }

    /// @notice When `leaf` was revoked, why, and by which leaf it was superseded; zeros when not revoked.
    function revocation(bytes32 leaf) external view returns (uint64 revokedAt, uint16 reason, bytes32 supersededBy) {
        RevocationRecord storage r = _revocations[leaf];
        return (r.revokedAt, r.reason, r.supersededBy);
    }

    /// @notice The StandardMerkleTree leaf of `f`, as {revoke} computes it.
    function leafOf(LeafFields calldata f) public pure returns (bytes32) {
        return
            keccak256(
                bytes.concat(keccak256(abi.encode(f.docHash, f.salt, f.patientRef, f.issuer, f.docType, f.issuedAt)))
            );
    }

    function _mayRevoke(address account, address issuer) private view returns (bool) {
        if (hasRole(REVOKER_ROLE, account) || hasRole(DEFAULT_ADMIN_ROLE, account)) return true;
        // A compromise point is never in the future, so a marked issuer has lost its own revoking right.
        return account == issuer && _issuers[issuer].compromisedFrom == 0;
    }

    // ----------------------------------------------------------------------------------------------
    // One read for a verifier

    /**
     * @notice The root's anchoring, the leaf's revocation, the issuer's standing at the root's anchoring
     * time (status UNKNOWN when the root is unknown) and the institution commitment, in one call.
     * @dev Does not check that `leaf` is in `root`: the verifier does that off chain with the proof.
     */
    function check(bytes32 root, bytes32 leaf, address issuer) external view returns (CheckResult memory c) {
        RootRecord storage r = _roots[root];
        c.anchoredAt = r.anchoredAt;
        c.blockNumber = r.blockNumber;
        c.leafCount = r.leafCount;
        RevocationRecord storage v = _revocations[leaf];
        c.revokedAt = v.revokedAt;
        c.reason = v.reason;
        c.supersededBy = v.supersededBy;
        if (r.anchoredAt != 0) (c.issuerStatus, c.termIndex, c.profile) = issuerAt(issuer, r.anchoredAt);
        c.institution = _institution;
    }
}
