import { randomBytes } from 'node:crypto';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import {
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  encodeAbiParameters,
  getAddress,
  hexToBigInt,
  keccak256,
  parseEther,
  parseEventLogs,
  toHex,
  zeroAddress,
  type Account,
  type Address,
  type ContractFunctionName,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import { mnemonicToAccount, type HDAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registryV2Abi,
  registryV2Bytecode,
  registryV2DeployedBytecodeHash,
} from '../../src/chain/registryV2Abi.js';
import { computeLeaf, leafValues } from '../../src/core/leaf/computeLeaf.js';
import { LEAF_TYPES, type LeafFields } from '../../src/core/leaf/LeafFields.js';
import { buildMerkleTree, type MerkleTree } from '../../src/core/merkle/buildMerkleTree.js';
import { NODE_KINDS, startTestChain, type TestChain } from '../helpers/chains.js';

const rand32 = (): Hex => toHex(randomBytes(32));
const ZERO32: Hex = `0x${'00'.repeat(32)}`;
const role = (name: string): Hex => keccak256(toHex(name));
const ROLES = {
  admin: ZERO32,
  registrar: role('REGISTRAR_ROLE'),
  anchorer: role('ANCHORER_ROLE'),
  revoker: role('REVOKER_ROLE'),
};
const STATUS = { UNKNOWN: 0, ACTIVE: 1, NOT_ACTIVE: 2, COMPROMISED: 3 } as const;
const REASON = { unspecified: 0, superseded: 1, issuedInError: 2, fraudSuspected: 3 } as const;
const GAS_TARGET = 51_000n;
// _roles (AccessControl) is slot 0, then _institution, _roots, _issuers, _revocations.
const ROOTS_SLOT = 2n;

interface Decoded {
  name: string;
  args: readonly unknown[];
}

/** Revert data anywhere in an error's cause chain (ganache's raw shape; viem decodes anvil's itself). */
function findRevertData(error: unknown, depth = 0): Hex | undefined {
  if (depth > 8 || error === null || typeof error !== 'object') return undefined;
  const e = error as { data?: unknown; cause?: unknown; error?: unknown };
  for (const c of [e.data, (e.data as { data?: unknown } | undefined)?.data]) {
    if (typeof c === 'string' && /^0x[0-9a-fA-F]{8,}$/.test(c)) return c as Hex;
  }
  return findRevertData(e.cause, depth + 1) ?? findRevertData(e.error, depth + 1);
}

/** The v2 custom error behind a failed call, whichever node answered. */
function decodeV2Error(error: unknown): Decoded | undefined {
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName)
      return { name: reverted.data.errorName, args: reverted.data.args ?? [] };
  }
  const data = findRevertData(error);
  if (!data) return undefined;
  const decoded = decodeErrorResult({ abi: registryV2Abi, data });
  return { name: decoded.errorName, args: decoded.args ?? [] };
}

describe.each(NODE_KINDS)('MedproofRegistryV2 on %s', (kind) => {
  let chain: TestChain;
  let registry: Address;
  let admin: HDAccount;
  let anchorer: HDAccount;
  let registrar: HDAccount;
  let revoker: HDAccount;
  /** Funded accounts with no role: doctors and an outsider. */
  let extra: HDAccount[];
  let deployed: TransactionReceipt;
  const institution = keccak256(toHex('St Example Hospital|example.org|salt'));

  const waitFor = (hash: Hex) =>
    chain.conn.client.waitForTransactionReceipt({ hash, pollingInterval: 20, timeout: 60_000 });

  // Any view by name; results are compared with expected values, so loose typing here loses nothing.
  const read = (functionName: string, args: readonly unknown[] = []): Promise<unknown> =>
    (chain.conn.client.readContract as (p: unknown) => Promise<unknown>)({
      address: registry,
      abi: registryV2Abi,
      functionName,
      args,
    });

  /** Simulates, sends and awaits one write; a revert throws with the decoded error. */
  async function send(
    account: Account,
    functionName: ContractFunctionName<typeof registryV2Abi, 'nonpayable'>,
    args: readonly unknown[],
  ): Promise<TransactionReceipt> {
    const call = { address: registry, abi: registryV2Abi, functionName, args, account };
    try {
      await chain.conn.client.simulateContract(call as never);
    } catch (error) {
      const d = decodeV2Error(error);
      throw new Error(
        `${functionName} reverted: ${d ? `${d.name}(${d.args.map(String).join(', ')})` : String(error)}`,
      );
    }
    const write = chain.conn.walletFor(account).writeContract as (p: unknown) => Promise<Hex>;
    const receipt = await waitFor(await write(call));
    expect(receipt.status).toBe('success');
    return receipt;
  }

  /** The custom error (name + args) a write is rejected with. */
  async function revertOf(
    account: Account,
    functionName: string,
    args: readonly unknown[],
  ): Promise<Decoded> {
    try {
      await chain.conn.client.simulateContract({
        address: registry,
        abi: registryV2Abi,
        functionName,
        args,
        account,
      } as never);
    } catch (error) {
      const decoded = decodeV2Error(error);
      if (decoded) return decoded;
      throw error;
    }
    throw new Error(`expected ${functionName} to revert`);
  }

  /** Moves the chain's clock on, so the next block is strictly later than the last. */
  async function passTime(seconds: number): Promise<void> {
    await chain.conn.client.request({ method: 'evm_increaseTime' as never, params: [seconds] as never });
  }

  /** A storage word as a number (ganache answers an empty slot with `0x`). */
  async function storageAt(slot: bigint): Promise<bigint> {
    const word = await chain.conn.client.getStorageAt({ address: registry, slot: toHex(slot, { size: 32 }) });
    return !word || word === '0x' ? 0n : hexToBigInt(word);
  }

  const blockTime = async (r: TransactionReceipt) =>
    (await chain.conn.client.getBlock({ blockNumber: r.blockNumber })).timestamp;

  const doc = (issuer: Address, docType = 'sick-note'): LeafFields => ({
    docHash: rand32(),
    salt: rand32(),
    patientRef: rand32(),
    issuer,
    docType,
    issuedAt: Math.floor(Date.now() / 1000),
  });
  const asArg = (f: LeafFields) => ({ ...f, issuedAt: BigInt(f.issuedAt) });

  interface Batch {
    docs: LeafFields[];
    leaves: Hex[];
    tree: MerkleTree;
    receipt: TransactionReceipt;
    anchoredAt: bigint;
  }
  /** Anchors our own tree of `docs` (plus random filler leaves) through the anchorer. */
  async function anchorBatch(docs: LeafFields[], filler = 3): Promise<Batch> {
    const leaves = [...docs.map(computeLeaf), ...Array.from({ length: filler }, rand32)];
    const tree = buildMerkleTree(leaves);
    const receipt = await send(anchorer, 'anchor', [tree.root, leaves.length]);
    return { docs, leaves, tree, receipt, anchoredAt: await blockTime(receipt) };
  }
  const revokeArgs = (
    b: Batch,
    i: number,
    reason: number = REASON.issuedInError,
    successor: Hex = ZERO32,
  ) => [asArg(b.docs[i]!), b.tree.root, b.tree.proofAt(i), reason, successor];

  const profileOf = (name: string) => keccak256(toHex(`${name}|${toHex(randomBytes(16))}`));
  async function enroll(doctor: Address, profile = profileOf('doctor')): Promise<Hex> {
    await send(registrar, 'enrollIssuer', [doctor, profile]);
    return profile;
  }

  beforeAll(async () => {
    chain = await startTestChain(kind);
    admin = chain.admin;
    anchorer = chain.anchorer;
    [registrar, revoker] = chain.spare;
    extra = [4, 5, 6, 7, 8, 9].map((i) => mnemonicToAccount(chain.mnemonic, { addressIndex: i }));
    for (const a of extra)
      await waitFor(
        await chain.conn.walletFor(admin).sendTransaction({ to: a.address, value: parseEther('100') }),
      );
    const deployHash = await chain.conn.walletFor(admin).deployContract({
      abi: registryV2Abi,
      bytecode: registryV2Bytecode,
      args: [admin.address, institution],
    });
    deployed = await waitFor(deployHash);
    registry = getAddress(deployed.contractAddress!);
    console.log(`[${kind}] deploy v2 gas: ${deployed.gasUsed}`);
    await send(admin, 'grantRole', [ROLES.anchorer, anchorer.address]);
    await send(admin, 'grantRole', [ROLES.registrar, registrar.address]);
    await send(admin, 'grantRole', [ROLES.revoker, revoker.address]);
  });
  afterAll(() => chain?.destroy());

  it('is version 2, runs the generated code, names its roles and gives the deployer all four', async () => {
    expect(keccak256((await chain.conn.client.getCode({ address: registry }))!)).toBe(
      registryV2DeployedBytecodeHash,
    );
    expect(await read('version')).toBe(2);
    for (const name of ['REGISTRAR_ROLE', 'ANCHORER_ROLE', 'REVOKER_ROLE'])
      expect(await read(name)).toBe(role(name));
    for (const id of Object.values(ROLES)) expect(await read('hasRole', [id, admin.address])).toBe(true);
    expect(await read('hasRole', [ROLES.anchorer, registrar.address])).toBe(false);
  });

  it('keeps the institution commitment, which only the admin changes', async () => {
    expect(await read('institution')).toBe(institution);
    const [declared] = parseEventLogs({
      abi: registryV2Abi,
      logs: deployed.logs,
      eventName: 'InstitutionChanged',
    });
    expect(declared?.args).toEqual({ commitment: institution });
    const next = rand32();
    expect(await revertOf(registrar, 'setInstitution', [next])).toEqual({
      name: 'AccessControlUnauthorizedAccount',
      args: [registrar.address, ROLES.admin],
    });
    const r = await send(admin, 'setInstitution', [next]);
    const [event] = parseEventLogs({ abi: registryV2Abi, logs: r.logs, eventName: 'InstitutionChanged' });
    expect(event?.args).toEqual({ commitment: next });
    expect(await read('institution')).toBe(next);
    await send(admin, 'setInstitution', [institution]);
  });

  it('lets only the anchorer anchor: an enrolled issuer and the registrar cannot', async () => {
    const doctor = extra[0]!;
    await enroll(doctor.address);
    for (const account of [doctor, registrar])
      expect(await revertOf(account, 'anchor', [rand32(), 1])).toEqual({
        name: 'AccessControlUnauthorizedAccount',
        args: [account.address, ROLES.anchorer],
      });
    const root = rand32();
    expect(await revertOf(anchorer, 'anchor', [ZERO32, 1])).toEqual({ name: 'InvalidRoot', args: [ZERO32] });
    expect(await revertOf(anchorer, 'anchor', [root, 0])).toEqual({
      name: 'InvalidLeafCount',
      args: [root, 0],
    });
    const r = await send(anchorer, 'anchor', [root, 7]);
    const [event] = parseEventLogs({ abi: registryV2Abi, logs: r.logs, eventName: 'Anchored' });
    expect(event?.args).toEqual({ root, anchorer: anchorer.address, leafCount: 7 });
    expect(await read('rootInfo', [root])).toEqual([await blockTime(r), r.blockNumber, 7]);
    expect(await revertOf(anchorer, 'anchor', [root, 7])).toEqual({
      name: 'RootAlreadyAnchored',
      args: [root],
    });
    expect(await read('rootInfo', [rand32()])).toEqual([0n, 0n, 0]);
  });

  it('stores a root in one slot and anchors for at most 51,000 gas whatever the batch size', async () => {
    const gas: string[] = [];
    for (const n of [1, 16, 256, 4096]) {
      const tree = buildMerkleTree(Array.from({ length: n }, rand32));
      const r = await send(anchorer, 'anchor', [tree.root, n]);
      gas.push(`${n}: ${r.gasUsed}`);
      expect(r.gasUsed).toBeLessThanOrEqual(GAS_TARGET);
      const slot = hexToBigInt(
        keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }], [tree.root, ROOTS_SLOT])),
      );
      const packed = (BigInt(n) << 128n) | (r.blockNumber << 64n) | (await blockTime(r));
      expect(await storageAt(slot)).toBe(packed);
      expect(await storageAt(slot + 1n)).toBe(0n);
    }
    console.log(`[${kind}] v2 anchor gas by batch size: ${gas.join(', ')}`);
  });

  it('keeps a retired doctor’s earlier documents ACTIVE at their anchoring time; later ones read NOT_ACTIVE', async () => {
    const doctor = extra[1]!.address;
    const before = await anchorBatch([doc(doctor)]);
    const profile = profileOf('Dr Early');
    await passTime(10);
    const enrolled = await send(registrar, 'enrollIssuer', [doctor, profile]);
    const [ev] = parseEventLogs({ abi: registryV2Abi, logs: enrolled.logs, eventName: 'IssuerEnrolled' });
    expect(ev?.args).toEqual({ issuer: doctor, term: 0n, profile });
    const from = await blockTime(enrolled);
    expect(await revertOf(registrar, 'enrollIssuer', [doctor, profileOf('again')])).toEqual({
      name: 'IssuerAlreadyActive',
      args: [doctor],
    });

    const during = await anchorBatch([doc(doctor)]);
    await passTime(10);
    const retired = await send(registrar, 'retireIssuer', [doctor]);
    const until = await blockTime(retired);
    const [rev] = parseEventLogs({ abi: registryV2Abi, logs: retired.logs, eventName: 'IssuerRetired' });
    expect(rev?.args).toEqual({ issuer: doctor, term: 0n, until });
    expect(await revertOf(registrar, 'retireIssuer', [doctor])).toEqual({
      name: 'IssuerNotActive',
      args: [doctor],
    });
    await passTime(10);
    const after = await anchorBatch([doc(doctor)]);

    expect(await read('termCount', [doctor])).toBe(1n);
    expect(await read('termAt', [doctor, 0n])).toEqual([from, until, profile]);
    const statusIn = async (b: Batch) =>
      ((await read('check', [b.tree.root, b.leaves[0], doctor])) as { issuerStatus: number }).issuerStatus;
    expect(await statusIn(before)).toBe(STATUS.NOT_ACTIVE);
    expect(await statusIn(during)).toBe(STATUS.ACTIVE);
    expect(await statusIn(after)).toBe(STATUS.NOT_ACTIVE);
    // Term boundaries: from is inside, until is outside.
    expect(await read('issuerAt', [doctor, from])).toEqual([STATUS.ACTIVE, 0n, profile]);
    expect(await read('issuerAt', [doctor, from - 1n])).toEqual([STATUS.NOT_ACTIVE, 0n, ZERO32]);
    expect(await read('issuerAt', [doctor, until - 1n])).toEqual([STATUS.ACTIVE, 0n, profile]);
    expect(await read('issuerAt', [doctor, until])).toEqual([STATUS.NOT_ACTIVE, 0n, ZERO32]);
    expect(await read('issuerAt', [extra[5]!.address, from])).toEqual([STATUS.UNKNOWN, 0n, ZERO32]);

    // Enrolled again later: a second term, the gap between stays NOT_ACTIVE.
    await passTime(10);
    const second = profileOf('Dr Early, back');
    const again = await send(registrar, 'enrollIssuer', [doctor, second]);
    expect(await read('issuerAt', [doctor, await blockTime(again)])).toEqual([STATUS.ACTIVE, 1n, second]);
    expect(await statusIn(after)).toBe(STATUS.NOT_ACTIVE);
    expect(await statusIn(during)).toBe(STATUS.ACTIVE);
  });

  it('renews a term with a new profile: older documents keep the old profile, newer ones get the new', async () => {
    const doctor = extra[2]!.address;
    expect(await revertOf(registrar, 'renewIssuer', [doctor, profileOf('x')])).toEqual({
      name: 'IssuerNotActive',
      args: [doctor],
    });
    const oldProfile = await enroll(doctor);
    const older = await anchorBatch([doc(doctor)]);
    await passTime(10);
    const newProfile = profileOf('new passkey');
    const renewed = await send(registrar, 'renewIssuer', [doctor, newProfile]);
    const t = await blockTime(renewed);
    const logs = parseEventLogs({ abi: registryV2Abi, logs: renewed.logs });
    expect(logs.map((l) => [l.eventName, l.args])).toEqual([
      ['IssuerRetired', { issuer: doctor, term: 0n, until: t }],
      ['IssuerEnrolled', { issuer: doctor, term: 1n, profile: newProfile }],
    ]);
    const newer = await anchorBatch([doc(doctor)]);
    expect(await read('check', [older.tree.root, older.leaves[0], doctor])).toMatchObject({
      issuerStatus: STATUS.ACTIVE,
      termIndex: 0n,
      profile: oldProfile,
    });
    expect(await read('check', [newer.tree.root, newer.leaves[0], doctor])).toMatchObject({
      issuerStatus: STATUS.ACTIVE,
      termIndex: 1n,
      profile: newProfile,
    });
    expect(await read('termAt', [doctor, 1n])).toEqual([t, 0n, newProfile]);
  });

  it('rejects bad issuer input with the offending values, and term changes from anyone but a registrar', async () => {
    expect(await revertOf(registrar, 'enrollIssuer', [zeroAddress, rand32()])).toEqual({
      name: 'InvalidIssuer',
      args: [zeroAddress],
    });
    const someone = extra[5]!.address;
    expect(await revertOf(registrar, 'enrollIssuer', [someone, ZERO32])).toEqual({
      name: 'InvalidProfile',
      args: [someone],
    });
    for (const [fn, args] of [
      ['enrollIssuer', [someone, rand32()]],
      ['retireIssuer', [someone]],
      ['markCompromised', [someone, 1n]],
    ] as const)
      expect(await revertOf(anchorer, fn, args)).toEqual({
        name: 'AccessControlUnauthorizedAccount',
        args: [anchorer.address, ROLES.registrar],
      });
  });

  it('splits a doctor’s documents in two at a compromise point, which only moves earlier', async () => {
    const doctor = extra[3]!;
    await enroll(doctor.address);
    const early = await anchorBatch([doc(doctor.address)]);
    await passTime(10);
    const late = await anchorBatch([doc(doctor.address)]);
    await passTime(10);
    const latest = await anchorBatch([doc(doctor.address)]);
    const far = latest.anchoredAt + 100_000n;
    expect(await revertOf(registrar, 'markCompromised', [doctor.address, far])).toEqual({
      name: 'InvalidCompromiseTime',
      args: [doctor.address, far],
    });
    expect(await revertOf(registrar, 'markCompromised', [doctor.address, 0n])).toEqual({
      name: 'InvalidCompromiseTime',
      args: [doctor.address, 0n],
    });

    const marked = await send(registrar, 'markCompromised', [doctor.address, latest.anchoredAt]);
    const logs = parseEventLogs({ abi: registryV2Abi, logs: marked.logs });
    expect(logs.map((l) => l.eventName)).toEqual(['IssuerRetired', 'IssuerCompromised']);
    expect(await read('compromisedFrom', [doctor.address])).toBe(latest.anchoredAt);
    // The earlier point wins, whichever order the reports come in.
    await send(registrar, 'markCompromised', [doctor.address, late.anchoredAt]);
    const again = await send(registrar, 'markCompromised', [doctor.address, latest.anchoredAt]);
    const [ev] = parseEventLogs({ abi: registryV2Abi, logs: again.logs, eventName: 'IssuerCompromised' });
    expect(ev?.args).toEqual({ issuer: doctor.address, from: late.anchoredAt });
    expect(await read('compromisedFrom', [doctor.address])).toBe(late.anchoredAt);

    const check = (b: Batch) => read('check', [b.tree.root, b.leaves[0], doctor.address]);
    expect(await check(early)).toMatchObject({ issuerStatus: STATUS.ACTIVE, termIndex: 0n });
    // Still inside the term, but past the compromise point: the term is named, the status says why not.
    expect(await check(late)).toMatchObject({ issuerStatus: STATUS.COMPROMISED, termIndex: 0n });
    expect(await check(latest)).toMatchObject({ issuerStatus: STATUS.COMPROMISED });
    expect(await revertOf(registrar, 'enrollIssuer', [doctor.address, rand32()])).toEqual({
      name: 'IssuerIsCompromised',
      args: [doctor.address],
    });
    // A compromised key cannot revoke its own documents any more; the institution's revoker can.
    expect(await revertOf(doctor, 'revoke', revokeArgs(late, 0, REASON.fraudSuspected))).toEqual({
      name: 'NotAllowedToRevoke',
      args: [doctor.address, late.leaves[0]],
    });
    await send(revoker, 'revoke', revokeArgs(late, 0, REASON.fraudSuspected));
    expect(await check(late)).toMatchObject({ reason: REASON.fraudSuspected });
  });

  it('revokes only with a valid proof of an anchored leaf, from its own issuer or a revoker', async () => {
    const [doctorA, doctorB, outsider] = [extra[0]!, extra[4]!, extra[5]!];
    await enroll(doctorB.address);
    const b = await anchorBatch(
      [doc(doctorA.address), doc(doctorB.address), doc(doctorA.address, 'report')],
      5,
    );
    const leaf0 = b.leaves[0]!;

    // Wrong path, a changed field, and an unanchored root.
    const wrongPath = [asArg(b.docs[0]!), b.tree.root, b.tree.proofAt(1), REASON.issuedInError, ZERO32];
    expect(await revertOf(doctorA, 'revoke', wrongPath)).toEqual({
      name: 'InvalidProof',
      args: [leaf0, b.tree.root],
    });
    const altered = { ...b.docs[0]!, docType: 'report' };
    expect(
      await revertOf(revoker, 'revoke', [
        asArg(altered),
        b.tree.root,
        b.tree.proofAt(0),
        REASON.issuedInError,
        ZERO32,
      ]),
    ).toEqual({ name: 'InvalidProof', args: [computeLeaf(altered), b.tree.root] });
    expect(await revertOf(revoker, 'revoke', [asArg(b.docs[0]!), rand32(), [], 2, ZERO32])).toMatchObject({
      name: 'RootNotAnchored',
    });
    // Neither another issuer, an outsider nor the anchorer may revoke doctor A's document.
    for (const account of [doctorB, outsider, anchorer])
      expect(await revertOf(account, 'revoke', revokeArgs(b, 0))).toEqual({
        name: 'NotAllowedToRevoke',
        args: [account.address, leaf0],
      });

    // The leaf's own issuer (not even holding a role) may.
    const r = await send(doctorA, 'revoke', revokeArgs(b, 0, REASON.issuedInError));
    const [event] = parseEventLogs({ abi: registryV2Abi, logs: r.logs, eventName: 'Revoked' });
    expect(event?.args).toEqual({
      leaf: leaf0,
      revoker: doctorA.address,
      reason: REASON.issuedInError,
      supersededBy: ZERO32,
    });
    expect(await read('revocation', [leaf0])).toEqual([await blockTime(r), REASON.issuedInError, ZERO32]);
    expect(await revertOf(revoker, 'revoke', revokeArgs(b, 0))).toEqual({
      name: 'LeafAlreadyRevoked',
      args: [leaf0],
    });
    // The institution's revoker may revoke anyone's.
    await send(revoker, 'revoke', revokeArgs(b, 1, REASON.unspecified));
    expect(await read('revocation', [b.leaves[1]])).toMatchObject([
      expect.any(BigInt),
      REASON.unspecified,
      ZERO32,
    ]);
    expect(await read('revocation', [b.leaves[2]])).toEqual([0n, 0, ZERO32]);
    console.log(`[${kind}] v2 revoke gas (proof of ${b.tree.proofAt(0).length}): ${r.gasUsed}`);
  });

  it('requires superseded to name a successor other than the leaf, and other reasons to name none', async () => {
    const doctor = extra[0]!;
    const b = await anchorBatch([doc(doctor.address)]);
    const leaf = b.leaves[0]!;
    const successor = rand32();
    for (const [reason, next] of [
      [REASON.superseded, ZERO32],
      [REASON.superseded, leaf],
      [REASON.issuedInError, successor],
    ] as const)
      expect(await revertOf(doctor, 'revoke', revokeArgs(b, 0, reason, next))).toEqual({
        name: 'InvalidSuccessor',
        args: [leaf, next],
      });
    await send(doctor, 'revoke', revokeArgs(b, 0, REASON.superseded, successor));
    expect(await read('revocation', [leaf])).toEqual([expect.any(BigInt), REASON.superseded, successor]);
  });

  it('answers a verifier in one call: anchoring, revocation, issuer standing and institution', async () => {
    const doctor = extra[4]!.address;
    const b = await anchorBatch([doc(doctor)]);
    const [, , profile] = (await read('termAt', [doctor, 0n])) as [bigint, bigint, Hex];
    await send(revoker, 'revoke', revokeArgs(b, 0, REASON.superseded, b.leaves[1]));
    const rev = (await read('revocation', [b.leaves[0]])) as [bigint, number, Hex];
    expect(await read('check', [b.tree.root, b.leaves[0], doctor])).toEqual({
      anchoredAt: b.anchoredAt,
      blockNumber: b.receipt.blockNumber,
      leafCount: 4,
      revokedAt: rev[0],
      reason: REASON.superseded,
      supersededBy: b.leaves[1],
      issuerStatus: STATUS.ACTIVE,
      termIndex: 0n,
      profile,
      institution,
    });
    // An unknown root: zeros and status UNKNOWN, even for an active issuer; the institution is still said.
    expect(await read('check', [rand32(), rand32(), doctor])).toEqual({
      anchoredAt: 0n,
      blockNumber: 0n,
      leafCount: 0,
      revokedAt: 0n,
      reason: 0,
      supersededBy: ZERO32,
      issuerStatus: STATUS.UNKNOWN,
      termIndex: 0n,
      profile: ZERO32,
      institution,
    });
  });

  it('accepts a proof from OpenZeppelin’s StandardMerkleTree, whose root equals ours', async () => {
    const doctor = extra[0]!;
    const docs = Array.from({ length: 9 }, (_, i) => doc(doctor.address, `type-${i}`));
    const ozTree = StandardMerkleTree.of(docs.map(leafValues), [...LEAF_TYPES]);
    expect(ozTree.root).toBe(buildMerkleTree(docs.map(computeLeaf)).root);
    await send(anchorer, 'anchor', [ozTree.root, docs.length]);
    const i = 6;
    expect(await read('leafOf', [asArg(docs[i]!)])).toBe(ozTree.leafHash(leafValues(docs[i]!)));
    await send(doctor, 'revoke', [
      asArg(docs[i]!),
      ozTree.root,
      ozTree.getProof(i),
      REASON.issuedInError,
      ZERO32,
    ]);
    expect(await read('revocation', [computeLeaf(docs[i]!)])).toMatchObject([
      expect.any(BigInt),
      REASON.issuedInError,
      ZERO32,
    ]);
  });
});
