import type { Hex } from 'viem';
import { mnemonicToAccount, type HDAccount } from 'viem/accounts';
import type { ChainConnection } from '../../src/chain/connectChain.js';
import { openEmbeddedChain, type EmbeddedChain } from '../../src/chain/embedded/openEmbeddedChain.js';
import { freePort } from '../../src/chain/embedded/processes.js';
import { NODE_KINDS, type NodeKind } from '../../src/chain/nodes/EmbeddedNode.js';
import { loadSecrets } from '../../src/config/secrets.js';
import { tmpDir } from './tmp.js';

export { NODE_KINDS, type NodeKind };

export interface TestChain extends EmbeddedChain {
  readonly dataDir: string;
  readonly port: number;
  readonly mnemonic: string;
  /** Funded accounts with no role: index 2 and 3 of the dev mnemonic. */
  readonly spare: readonly [HDAccount, HDAccount];
  /** Stops the node and removes its folder. */
  destroy(): Promise<void>;
  /** Starts the node again on the same port and state (after `close`). */
  reopen(): Promise<TestChain>;
}

/** A real embedded node with a deployed registry, in a fresh data folder, on a free port. */
export async function startTestChain(
  kind: NodeKind,
  existing?: { dataDir: string; port: number },
): Promise<TestChain> {
  const dir = existing ? { path: existing.dataDir, remove: () => undefined } : tmpDir(`medproof-${kind}-`);
  const port = existing?.port ?? (await freePort());
  const { devMnemonic } = loadSecrets(dir.path);
  const spare = [
    mnemonicToAccount(devMnemonic, { addressIndex: 2 }),
    mnemonicToAccount(devMnemonic, { addressIndex: 3 }),
  ] as const;
  const chain = await openEmbeddedChain({
    dataDir: dir.path,
    kind,
    mnemonic: devMnemonic,
    mode: 'serve',
    port,
    fund: spare.map((a) => a.address),
  });
  return {
    ...chain,
    dataDir: dir.path,
    port,
    mnemonic: devMnemonic,
    spare,
    async destroy() {
      await chain.close();
      dir.remove();
    },
    reopen: () => startTestChain(kind, { dataDir: dir.path, port }),
  };
}

/** Dev-node controls that differ between anvil and ganache. */
export const devRpc = {
  async setAutomine(conn: ChainConnection, kind: NodeKind, on: boolean): Promise<void> {
    if (kind === 'anvil')
      await conn.client.request({ method: 'evm_setAutomine' as never, params: [on] as never });
    else
      await conn.client.request({
        method: (on ? 'miner_start' : 'miner_stop') as never,
        params: [] as never,
      });
  },
  async mine(conn: ChainConnection): Promise<void> {
    await conn.client.request({ method: 'evm_mine' as never, params: [] as never });
  },
  async snapshot(conn: ChainConnection): Promise<Hex> {
    return conn.client.request<{ Method: 'evm_snapshot'; Parameters: []; ReturnType: Hex }>({
      method: 'evm_snapshot',
      params: [],
    });
  },
  async revert(conn: ChainConnection, id: Hex): Promise<void> {
    await conn.client.request({ method: 'evm_revert' as never, params: [id] as never });
  },
  async pendingCount(conn: ChainConnection, address: Hex): Promise<number> {
    return conn.client.getTransactionCount({ address, blockTag: 'pending' });
  },
};

/** Gives accounts gas money on a dev node the test did not open itself (the node unlocks and funds nothing). */
export async function fundOnDevNode(
  rpcUrl: string,
  kind: NodeKind,
  addresses: readonly Hex[],
): Promise<void> {
  const method = kind === 'anvil' ? 'anvil_setBalance' : 'evm_setAccountBalance';
  for (const address of addresses) {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method,
        params: [address, `0x${(10n ** 24n).toString(16)}`],
      }),
    });
    const body = (await res.json()) as { error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
  }
}
