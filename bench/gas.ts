import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  encodeFunctionData,
  type ContractFunctionName,
  getAddress,
  type Account,
  type Address,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import type { ChainConnection } from '../src/chain/connectChain.js';
import { openEmbeddedChain } from '../src/chain/embedded/openEmbeddedChain.js';
import { freePort } from '../src/chain/embedded/processes.js';
import { deployRegistry } from '../src/chain/registry/deployRegistry.js';
import { ROLE_IDS } from '../src/chain/registry/roles.js';
import { sendRegistryTx } from '../src/chain/registry/sendRegistryTx.js';
import { registryV2Abi, registryV2Bytecode } from '../src/chain/registryV2Abi.js';
import { loadSecrets } from '../src/config/secrets.js';
import { toHex } from '../src/core/hash/hex.js';
import { computeLeaf } from '../src/core/leaf/computeLeaf.js';
import type { LeafFields } from '../src/core/leaf/LeafFields.js';
import { buildMerkleTree } from '../src/core/merkle/buildMerkleTree.js';
import { table } from './table.js';

/** Calldata gas (EIP-2028): 16 per non-zero byte, 4 per zero byte. */
function calldataGas(data: Hex): number {
  let gas = 0;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === '00' ? 4 : 16;
  return gas;
}

/**
 * The least any contract can spend to record a root in one fresh storage slot and announce it: the
 * transaction (21,000), one cold zero-to-non-zero SSTORE (22,100), the calldata, and a LOG3 with 32
 * bytes of data (`Anchored`). Everything above it is dispatch, the role check and the duplicate check.
 */
function oneSlotFloor(data: Hex): number {
  return 21_000 + 22_100 + calldataGas(data) + 375 + 3 * 375 + 8 * 32;
}

/** One v2 write: simulated (so a rule the contract enforces fails before gas is spent), sent, awaited. */
async function sendV2(
  conn: ChainConnection,
  account: Account,
  address: Address,
  functionName: ContractFunctionName<typeof registryV2Abi, 'nonpayable'>,
  args: readonly unknown[],
): Promise<TransactionReceipt> {
  // viem's overloads cannot follow a function name chosen at run time; the bench passes literal names.
  const call = { address, abi: registryV2Abi, functionName, args, account };
  await conn.client.simulateContract(call as never);
  const write = conn.walletFor(account).writeContract as (p: unknown) => Promise<Hex>;
  const hash = await write(call);
  const receipt = await conn.client.waitForTransactionReceipt({
    hash,
    pollingInterval: 20,
    timeout: 120_000,
  });
  if (receipt.status !== 'success') throw new Error(`${functionName} reverted in ${hash}`);
  return receipt;
}

/** Gas per operation, and per document at batch sizes 1, 16, 256 and 4,096 (the paper's model is 1). */
export async function benchGas(dir: string): Promise<string> {
  const dataDir = join(dir, 'gas');
  const { devMnemonic } = loadSecrets(dataDir);
  const chain = await openEmbeddedChain({
    dataDir,
    kind: 'anvil',
    mnemonic: devMnemonic,
    mode: 'serve',
    port: await freePort(),
    // The doctor at index 3 signs its own revocation below: the node funds nothing by itself.
    fund: [mnemonicToAccount(devMnemonic, { addressIndex: 3 }).address],
  });
  try {
    const ops: (string | number)[][] = [];
    const deployTx = await chain.conn.client.getTransactionReceipt({
      hash: (await deployRegistry(chain.conn, chain.admin)).txHash,
    });
    ops.push(['deploy registry', deployTx.gasUsed.toString()]);
    const grant = await sendRegistryTx(chain.conn, chain.admin, chain.registry, 'grantRole', [
      ROLE_IDS.issuer,
      mnemonicToAccount(devMnemonic, { addressIndex: 3 }).address,
    ]);
    ops.push(['grantRole (issuer)', grant.gasUsed.toString()]);
    const revoke = await sendRegistryTx(chain.conn, chain.admin, chain.registry, 'revoke', [
      toHex(randomBytes(32)),
      1,
    ]);
    ops.push(['revoke (one document)', revoke.gasUsed.toString()]);

    // Registry v2: the same admin holds all four roles; the doctor at index 3 is enrolled.
    const doctor = mnemonicToAccount(devMnemonic, { addressIndex: 3 });
    const v2Deploy = await chain.conn.client.waitForTransactionReceipt({
      hash: await chain.conn.walletFor(chain.admin).deployContract({
        abi: registryV2Abi,
        bytecode: registryV2Bytecode,
        args: [chain.admin.address, toHex(randomBytes(32))],
      }),
    });
    const v2 = getAddress(v2Deploy.contractAddress!);
    ops.push(['v2: deploy registry', v2Deploy.gasUsed.toString()]);
    const grantV2 = await sendV2(chain.conn, chain.admin, v2, 'grantRole', [
      await chain.conn.client.readContract({
        address: v2,
        abi: registryV2Abi,
        functionName: 'ANCHORER_ROLE',
      }),
      chain.anchorer.address,
    ]);
    ops.push(['v2: grantRole (anchorer)', grantV2.gasUsed.toString()]);
    const enroll = await sendV2(chain.conn, chain.admin, v2, 'enrollIssuer', [
      doctor.address,
      toHex(randomBytes(32)),
    ]);
    ops.push(['v2: enrollIssuer (first term)', enroll.gasUsed.toString()]);
    const renew = await sendV2(chain.conn, chain.admin, v2, 'renewIssuer', [
      doctor.address,
      toHex(randomBytes(32)),
    ]);
    ops.push(['v2: renewIssuer (end term, start term)', renew.gasUsed.toString()]);

    const perDoc: (string | number)[][] = [];
    for (const n of [1, 16, 256, 4096]) {
      const tree = buildMerkleTree(Array.from({ length: n }, () => toHex(randomBytes(32))));
      const r = await sendRegistryTx(chain.conn, chain.anchorer, chain.registry, 'anchor', [tree.root, n]);
      if (n === 1) ops.push(['anchor (one root)', r.gasUsed.toString()]);

      // v2 anchors a tree holding one of the doctor's documents, which the doctor then revokes with its proof.
      const fields: LeafFields = {
        docHash: toHex(randomBytes(32)),
        salt: toHex(randomBytes(32)),
        patientRef: toHex(randomBytes(32)),
        issuer: doctor.address,
        docType: 'sick-note',
        issuedAt: Math.floor(Date.now() / 1000),
      };
      const leaves = [computeLeaf(fields), ...Array.from({ length: n - 1 }, () => toHex(randomBytes(32)))];
      const v2Tree = buildMerkleTree(leaves);
      const args = [v2Tree.root, n] as const;
      const a2 = await sendV2(chain.conn, chain.anchorer, v2, 'anchor', args);
      if (n === 1) ops.push(['v2: anchor (one root)', a2.gasUsed.toString()]);
      const floor = oneSlotFloor(encodeFunctionData({ abi: registryV2Abi, functionName: 'anchor', args }));
      const proof = v2Tree.proofAt(0);
      const rv = await sendV2(chain.conn, doctor, v2, 'revoke', [
        { ...fields, issuedAt: BigInt(fields.issuedAt) },
        v2Tree.root,
        proof,
        2,
        `0x${'00'.repeat(32)}`,
      ]);
      ops.push([
        `v2: revoke with proof (${n.toLocaleString('en')} leaves, ${proof.length} hashes)`,
        rv.gasUsed.toString(),
      ]);

      const per = (gas: bigint | number) => (Number(gas) / n).toFixed(n >= 256 ? 1 : 0);
      perDoc.push([
        n.toLocaleString('en'),
        r.gasUsed.toString(),
        per(r.gasUsed),
        a2.gasUsed.toString(),
        per(a2.gasUsed),
        floor.toString(),
      ]);
    }
    return [
      table('Gas per operation (registry v1 and v2 on anvil)', ['operation', 'gas'], ops),
      table(
        'Gas per document by batch size',
        [
          'documents per root',
          'v1 gas per anchor',
          'v1 gas per document',
          'v2 gas per anchor',
          'v2 gas per document',
          'one-slot floor',
        ],
        perDoc,
      ),
    ].join('\n');
  } finally {
    await chain.close();
  }
}
