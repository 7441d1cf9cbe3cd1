import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startChild, stopChild, waitForRpc } from './childProcess.js';
import type { EmbeddedNode, LaunchOptions } from './EmbeddedNode.js';

const require = createRequire(import.meta.url);

/**
 * ganache 7.9.2 (the paper's chain) in its own Node process: its EVM is JavaScript and would otherwise
 * compete with the portal for the event loop. Its LevelDB database keeps every block after a kill -9.
 */
export async function launchGanache(o: LaunchOptions): Promise<EmbeddedNode> {
  const dbPath = join(o.stateDir, 'db');
  mkdirSync(dbPath, { recursive: true });
  const cli = join(dirname(require.resolve('ganache/package.json')), 'dist/node/cli.js');
  const host = o.host ?? '127.0.0.1';
  const args = [
    cli,
    ['--server.host', host],
    ['--server.port', String(o.port)],
    ['--chain.chainId', String(o.chainId)],
    // Frozen at shanghai; our contract is compiled for it.
    ['--chain.hardfork', 'shanghai'],
    // No unlocked accounts and no mnemonic in the arguments: the portal's keys sign in-process and are
    // funded with evm_setAccountBalance. (ganache answers CORS for any origin and cannot be told not
    // to: anvil, the default, can.)
    ['--wallet.totalAccounts', '0'],
    ['--database.dbPath', dbPath],
    ['--logging.quiet'],
  ].flat();
  const started = startChild(process.execPath, args);
  const rpcUrl = `http://${host}:${o.port}`;
  try {
    await waitForRpc(rpcUrl, started, o.chainId, o.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stopChild(started, 1000);
    throw error;
  }
  return {
    kind: 'ganache',
    rpcUrl,
    chainId: o.chainId,
    pid: started.child.pid!,
    exited: started.exited,
    stop: () => stopChild(started, 10_000),
  };
}
