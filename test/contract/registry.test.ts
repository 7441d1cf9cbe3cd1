import { randomBytes } from 'node:crypto';
import { keccak256, parseEventLogs, toHex, zeroAddress, type Account, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRegistryError } from '../../src/chain/registry/decodeRegistryError.js';
import { ROLE_IDS } from '../../src/chain/registry/roles.js';
import { sendRegistryTx } from '../../src/chain/registry/sendRegistryTx.js';
import { registryAbi } from '../../src/chain/registryAbi.js';
import { NODE_KINDS, startTestChain, type TestChain } from '../helpers/chains.js';

const rand32 = () => toHex(randomBytes(32));
const ZERO32: Hex = `0x${'00'.repeat(32)}`;

describe.each(NODE_KINDS)('MedproofRegistry on %s', (kind) => {
  let chain: TestChain;
  let outsider: Account;
  beforeAll(async () => {
    chain = await startTestChain(kind);
    outsider = chain.spare[0];
  });
  afterAll(() => chain?.destroy());

  // Any view by name; results are compared with expected values, so loose typing here loses nothing.
  const read = (functionName: string, args: readonly unknown[] = []): Promise<unknown> =>
    (chain.conn.client.readContract as (p: unknown) => Promise<unknown>)({
      address: chain.registry,
      abi: registryAbi,
      functionName,
      args,
    });

  /** The custom error (name + args) the registry answers a call with, decoded by our own decoder. */
  async function revertOf(account: Account, functionName: 'anchor' | 'revoke', args: readonly unknown[]) {
    try {
      await chain.conn.client.simulateContract({
        address: chain.registry,
        abi: registryAbi,
        functionName,
        args,
        account,
      } as never);
    } catch (error) {
      return decodeRegistryError(error);
    }
    throw new Error('expected a revert');
  }

  it('exposes its role ids on chain and gives the deployer every role', async () => {
    expect(await read('ISSUER_ROLE')).toBe(keccak256(toHex('ISSUER_ROLE')));
    expect(await read('ANCHORER_ROLE')).toBe(keccak256(toHex('ANCHORER_ROLE')));
    expect(await read('DEFAULT_ADMIN_ROLE')).toBe(ZERO32);
    for (const role of Object.values(ROLE_IDS))
      expect(await read('hasRole', [role, chain.admin.address])).toBe(true);
    expect(await read('isIssuer', [chain.admin.address])).toBe(true);
    expect(await read('isIssuer', [outsider.address])).toBe(false);
  });

  it('anchors a root (issuer or anchorer), emits Anchored and records who, when and where', async () => {
    for (const account of [chain.admin, chain.anchorer]) {
      const root = rand32();
      const receipt = await sendRegistryTx(chain.conn, account, chain.registry, 'anchor', [root, 16]);
      const [event] = parseEventLogs({ abi: registryAbi, logs: receipt.logs, eventName: 'Anchored' });
      expect(event?.args).toEqual({ root, anchorer: account.address, leafCount: 16 });
      const block = await chain.conn.client.getBlock({ blockNumber: receipt.blockNumber });
      expect(await read('rootInfo', [root])).toEqual([
        account.address,
        block.timestamp,
        receipt.blockNumber,
        16,
      ]);
    }
  });

  it('reads zeros for an unknown root and an unrevoked leaf', async () => {
    expect(await read('rootInfo', [rand32()])).toEqual([zeroAddress, 0n, 0n, 0]);
    expect(await read('revocation', [rand32()])).toEqual([0n, 0]);
  });

  it('rejects the zero root, an empty batch, a root anchored twice and an outsider, with the offending values', async () => {
    expect(await revertOf(chain.admin, 'anchor', [ZERO32, 1])).toEqual({
      name: 'InvalidRoot',
      args: [ZERO32],
    });
    const root = rand32();
    expect(await revertOf(chain.admin, 'anchor', [root, 0])).toEqual({
      name: 'InvalidLeafCount',
      args: [root, 0],
    });
    await sendRegistryTx(chain.conn, chain.admin, chain.registry, 'anchor', [root, 1]);
    expect(await revertOf(chain.anchorer, 'anchor', [root, 1])).toEqual({
      name: 'RootAlreadyAnchored',
      args: [root],
    });
    expect(await revertOf(outsider, 'anchor', [rand32(), 1])).toEqual({
      name: 'UnauthorizedAccount',
      args: [outsider.address, ROLE_IDS.issuer, ROLE_IDS.anchorer],
    });
    await expect(
      sendRegistryTx(chain.conn, chain.admin, chain.registry, 'anchor', [root, 1]),
    ).rejects.toMatchObject({
      code: 'CONTRACT_REVERTED',
      message: expect.stringContaining(`RootAlreadyAnchored(${root})`),
    });
  });

  it('revokes a leaf once with a reason (issuer or admin only) and emits Revoked', async () => {
    const leaf = rand32();
    const receipt = await sendRegistryTx(chain.conn, chain.admin, chain.registry, 'revoke', [leaf, 3]);
    const [event] = parseEventLogs({ abi: registryAbi, logs: receipt.logs, eventName: 'Revoked' });
    expect(event?.args).toEqual({ leaf, revoker: chain.admin.address, reason: 3 });
    const block = await chain.conn.client.getBlock({ blockNumber: receipt.blockNumber });
    expect(await read('revocation', [leaf])).toEqual([block.timestamp, 3]);
    expect(await revertOf(chain.admin, 'revoke', [leaf, 1])).toEqual({
      name: 'LeafAlreadyRevoked',
      args: [leaf],
    });
    expect(await revertOf(chain.admin, 'revoke', [ZERO32, 1])).toEqual({
      name: 'InvalidLeaf',
      args: [ZERO32],
    });
    // The anchorer may anchor but not revoke.
    expect(await revertOf(chain.anchorer, 'revoke', [rand32(), 1])).toEqual({
      name: 'UnauthorizedAccount',
      args: [chain.anchorer.address, ROLE_IDS.issuer, ROLE_IDS.admin],
    });
  });

  it('lets the admin grant and revoke the issuer role, which isIssuer follows', async () => {
    const doctor = chain.spare[1];
    await sendRegistryTx(chain.conn, chain.admin, chain.registry, 'grantRole', [
      ROLE_IDS.issuer,
      doctor.address,
    ]);
    expect(await read('isIssuer', [doctor.address])).toBe(true);
    await sendRegistryTx(chain.conn, doctor, chain.registry, 'anchor', [rand32(), 1]);
    await sendRegistryTx(chain.conn, chain.admin, chain.registry, 'revokeRole', [
      ROLE_IDS.issuer,
      doctor.address,
    ]);
    expect(await read('isIssuer', [doctor.address])).toBe(false);
    expect((await revertOf(doctor, 'anchor', [rand32(), 1]))?.name).toBe('UnauthorizedAccount');
    // Only an admin manages roles (OpenZeppelin's own error).
    await expect(
      sendRegistryTx(chain.conn, outsider, chain.registry, 'grantRole', [ROLE_IDS.issuer, outsider.address]),
    ).rejects.toMatchObject({
      message: expect.stringContaining('AccessControlUnauthorizedAccount'),
    });
  });
});
