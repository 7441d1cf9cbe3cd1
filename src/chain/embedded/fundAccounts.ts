import type { Address } from 'viem';
import type { ChainConnection } from '../connectChain.js';
import type { NodeKind } from '../nodes/EmbeddedNode.js';

const BALANCE = 10n ** 24n; // a million ether: gas on a dev chain never runs out

/**
 * Gives the portal's own accounts gas money on the embedded dev node. They are not node accounts (the
 * node holds no keys and unlocks nothing), so the node is told their balance through its dev method.
 */
export async function fundAccounts(
  conn: ChainConnection,
  kind: NodeKind,
  addresses: readonly Address[],
): Promise<void> {
  const method = kind === 'anvil' ? 'anvil_setBalance' : 'evm_setAccountBalance';
  for (const address of addresses) {
    const balance = await conn.client.getBalance({ address });
    if (balance >= BALANCE / 2n) continue;
    await conn.client.request({
      method: method as never,
      params: [address, `0x${BALANCE.toString(16)}`] as never,
    });
  }
}
