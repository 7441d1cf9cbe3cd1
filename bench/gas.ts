import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mnemonicToAccount } from 'viem/accounts';
import { openEmbeddedChain } from '../src/chain/embedded/openEmbeddedChain.js';
import { freePort } from '../src/chain/embedded/processes.js';
import { deployRegistry } from '../src/chain/registry/deployRegistry.js';
import { ROLE_IDS } from '../src/chain/registry/roles.js';
import { sendRegistryTx } from '../src/chain/registry/sendRegistryTx.js';
import { loadSecrets } from '../src/config/secrets.js';
import { toHex } from '../src/core/hash/hex.js';
import { buildMerkleTree } from '../src/core/merkle/buildMerkleTree.js';
import { table } from './table.js';

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

    const perDoc: (string | number)[][] = [];
    for (const n of [1, 16, 256, 4096]) {
      const tree = buildMerkleTree(Array.from({ length: n }, () => toHex(randomBytes(32))));
      const r = await sendRegistryTx(chain.conn, chain.anchorer, chain.registry, 'anchor', [tree.root, n]);
      if (n === 1) ops.push(['anchor (one root)', r.gasUsed.toString()]);
      perDoc.push([
        n.toLocaleString('en'),
        r.gasUsed.toString(),
        (Number(r.gasUsed) / n).toFixed(n >= 256 ? 1 : 0),
      ]);
    }
    return [
      table('Gas per operation (registry on anvil)', ['operation', 'gas'], ops),
      table(
        'Gas per document by batch size',
        ['documents per root', 'gas per anchor', 'gas per document'],
        perDoc,
      ),
    ].join('\n');
  } finally {
    await chain.close();
  }
}
