import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MedproofError } from '../../core/index.js';
import { startChild, stopChild, waitForRpc } from './childProcess.js';
import type { EmbeddedNode, LaunchOptions } from './EmbeddedNode.js';

const require = createRequire(import.meta.url);

/**
 * The anvil binary inside @foundry-rs/anvil's platform package. We spawn it directly: the package's
 * `bin` is a Node wrapper, and killing the wrapper would leave the real node holding the port.
 */
export function anvilBinary(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  try {
    const dir = dirname(require.resolve(`${pkg}/package.json`));
    return join(dir, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
  } catch (cause) {
    throw new MedproofError(
      'NODE_UNAVAILABLE',
      `anvil is not installed for ${process.platform}-${process.arch} (${pkg})`,
      { cause },
    );
  }
}

/**
 * anvil rewrites its state file every second; a kill in the middle of a write could leave it torn.
 * Keep the last copy that parsed, and fall back to it: anchors after it are re-sent by the engine.
 */
function guardStateFile(stateFile: string): void {
  const backup = `${stateFile}.bak`;
  const parses = (path: string) => {
    try {
      JSON.parse(readFileSync(path, 'utf8'));
      return true;
    } catch {
      return false;
    }
  };
  if (!existsSync(stateFile)) return;
  if (parses(stateFile)) {
    copyFileSync(stateFile, backup);
    return;
  }
  renameSync(stateFile, `${stateFile}.corrupt-${Date.now()}`);
  if (existsSync(backup)) copyFileSync(backup, stateFile);
}

export async function launchAnvil(o: LaunchOptions): Promise<EmbeddedNode> {
  mkdirSync(o.stateDir, { recursive: true });
  const stateFile = join(o.stateDir, 'state.json');
  guardStateFile(stateFile);
  const host = o.host ?? '127.0.0.1';
  const args = [
    ['--host', host],
    ['--port', String(o.port)],
    ['--chain-id', String(o.chainId)],
    // No unlocked accounts (eth_sendTransaction from the node would act for whoever asks) and no
    // mnemonic on the command line (`ps` shows it to every local user): the portal's keys sign
    // in-process and are funded with anvil_setBalance instead.
    ['--accounts', '0'],
    // No CORS: a web page the user visits must not reach the node; browsers get the portal's
    // read-only proxy.
    ['--no-cors'],
    // Written on clean exit and every second; what a kill -9 loses since, the engine re-anchors.
    ['--state', stateFile],
    ['--state-interval', '1'],
    // Only the latest state in memory: without it memory and ~/.foundry grow without bound.
    ['--prune-history'],
    ['--cache-path', join(o.stateDir, 'cache')],
    ['--silent'],
  ].flat();
  const started = startChild(anvilBinary(), args, { ...process.env, FOUNDRY_DIR: o.stateDir });
  const rpcUrl = `http://${host}:${o.port}`;
  try {
    await waitForRpc(rpcUrl, started, o.chainId, o.startTimeoutMs ?? 15_000);
  } catch (error) {
    await stopChild(started, 1000);
    throw error;
  }
  return {
    kind: 'anvil',
    rpcUrl,
    chainId: o.chainId,
    pid: started.child.pid!,
    exited: started.exited,
    stop: () => stopChild(started),
  };
}
