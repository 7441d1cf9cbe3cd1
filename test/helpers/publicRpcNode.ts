import { english, generateMnemonic, mnemonicToAccount, type HDAccount } from 'viem/accounts';
import { connectChain, type ChainConnection } from '../../src/chain/connectChain.js';
import { freePort } from '../../src/chain/embedded/processes.js';
import { startChild, stopChild, waitForRpc } from '../../src/chain/nodes/childProcess.js';
import { anvilBinary } from '../../src/chain/nodes/launchAnvil.js';
import { fundOnDevNode } from './chains.js';

/** A chain as a public RPC provider serves it: it answers any web page (CORS `*`), unlike medproof's node. */
export interface PublicRpcNode {
  readonly rpcUrl: string;
  readonly conn: ChainConnection;
  /** Funded keys of our own (the node unlocks none): deployer and admin, and the anchorer. */
  readonly admin: HDAccount;
  readonly anchorer: HDAccount;
  stop(): Promise<void>;
}

/**
 * A separate anvil, spawned directly with its defaults for CORS (`Access-Control-Allow-Origin: *`, what
 * public endpoints send) and no unlocked accounts, on a free port of 127.0.0.1, chain 31337. No portal
 * knows it: it plays "the public RPC of the receipt's chain" for a verifier who has only files.
 */
export async function startPublicRpcNode(): Promise<PublicRpcNode> {
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const started = startChild(anvilBinary(), [
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--chain-id',
    '31337',
    '--accounts',
    '0',
    '--silent',
  ]);
  try {
    await waitForRpc(rpcUrl, started, 31337, 15_000);
    const mnemonic = generateMnemonic(english);
    const admin = mnemonicToAccount(mnemonic, { addressIndex: 0 });
    const anchorer = mnemonicToAccount(mnemonic, { addressIndex: 1 });
    await fundOnDevNode(rpcUrl, 'anvil', [admin.address, anchorer.address]);
    const conn = await connectChain(rpcUrl);
    return { rpcUrl, conn, admin, anchorer, stop: () => stopChild(started) };
  } catch (error) {
    await stopChild(started, 1000);
    throw error;
  }
}
