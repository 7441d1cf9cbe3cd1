import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  writeSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Address } from 'viem';
import type { HDAccount } from 'viem/accounts';
import { MedproofError } from '../../core/errors/MedproofError.js';
import { writeFileAtomic } from '../../config/secrets.js';
import { connectChain, type ChainConnection } from '../connectChain.js';
import type { EmbeddedNode, NodeKind } from '../nodes/EmbeddedNode.js';
import { DEFAULT_CHAIN_ID, launchNode } from '../nodes/launchNode.js';
import { checkRegistryCode, deployRegistry } from '../registry/deployRegistry.js';
import { ROLE_IDS } from '../registry/roles.js';
import { registryAbi } from '../registryAbi.js';
import { sendRegistryTx } from '../registry/sendRegistryTx.js';
import { devAccounts } from './devAccounts.js';
import { freePort, processAlive, terminate } from './processes.js';

export interface EmbeddedChain {
  readonly kind: NodeKind;
  readonly conn: ChainConnection;
  readonly registry: Address;
  readonly admin: HDAccount;
  readonly anchorer: HDAccount;
  readonly stateDir: string;
  /** True when this process started the node and will stop it on close. */
  readonly owned: boolean;
  /** Resolves once everything written so far survives a kill -9 of the node. */
  durable(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenEmbeddedOptions {
  readonly dataDir: string;
  readonly kind: NodeKind;
  readonly mnemonic: string;
  /**
   * `serve`: `medproof start` owns the node on `port` for its lifetime.
   * `command`: a one-off command joins a running node, or starts one on a free port for itself.
   */
  readonly mode: 'serve' | 'command';
  readonly port?: number;
  /** How long to wait for another process to release the data folder's node (default 30 s). */
  readonly busyTimeoutMs?: number;
}

interface NodeFile {
  pid: number;
  ownerPid: number;
  rpcUrl: string;
  kind: NodeKind;
  chainId: number;
}

interface ChainFile {
  kind: NodeKind;
  chainId: number;
  registry: Address;
  deployTxHash: string;
  deployBlock: number;
  admin: Address;
  anchorer: Address;
}

const readJson = <T>(path: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes the data folder's node lock, or returns the live owner's pid. A dead owner's lock is cleared. */
function tryLock(lockPath: string): number | undefined {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) return owner;
      rmSync(lockPath, { force: true });
    }
  }
  throw new MedproofError('DATA_DIR_BUSY', `could not lock ${lockPath}`);
}

async function rpcAnswers(rpcUrl: string, chainId: number): Promise<boolean> {
  try {
    return (await connectChain(rpcUrl, { timeoutMs: 1000 })).chainId === chainId;
  } catch {
    return false;
  }
}

/**
 * The embedded chain of a data folder: the node (started, or joined if already running), the registry
 * deployed on first start and remembered, and the dev accounts. At every open the registry's code is
 * checked: a chain that lost it is CHAIN_MISMATCH, never silently redeployed under old receipts.
 */
export async function openEmbeddedChain(o: OpenEmbeddedOptions): Promise<EmbeddedChain> {
  const stateDir = join(o.dataDir, 'chain', o.kind);
  mkdirSync(stateDir, { recursive: true });
  const lockPath = join(stateDir, 'owner.lock');
  const nodePath = join(stateDir, 'node.json');
  const chainId = DEFAULT_CHAIN_ID[o.kind];
  const accounts = devAccounts(o.mnemonic);

  let node: EmbeddedNode | undefined;
  let rpcUrl: string | undefined;
  const deadline = Date.now() + (o.busyTimeoutMs ?? 30_000);
  for (;;) {
    const owner = tryLock(lockPath);
    if (owner === undefined) break;
    const running = readJson<NodeFile>(nodePath);
    if (
      o.mode === 'command' &&
      running &&
      running.ownerPid === owner &&
      (await rpcAnswers(running.rpcUrl, chainId))
    ) {
      rpcUrl = running.rpcUrl;
      break;
    }
    if (Date.now() > deadline) {
      throw new MedproofError(
        'DATA_DIR_BUSY',
        `the data folder ${o.dataDir} is in use by process ${owner} (is medproof start running?)`,
      );
    }
    await sleep(100);
  }

  const owned = rpcUrl === undefined;
  if (owned) {
    try {
      // A node left behind by a killed owner still holds its port and state: stop it cleanly first.
      const orphan = readJson<NodeFile>(nodePath);
      if (orphan && processAlive(orphan.pid, orphan.kind)) await terminate(orphan.pid);
      rmSync(nodePath, { force: true });
      const port = o.mode === 'serve' ? (o.port ?? 8545) : await freePort();
      node = await launchNode(o.kind, { stateDir, port, chainId, mnemonic: o.mnemonic });
      const info: NodeFile = {
        pid: node.pid,
        ownerPid: process.pid,
        rpcUrl: node.rpcUrl,
        kind: o.kind,
        chainId,
      };
      writeFileAtomic(nodePath, JSON.stringify(info));
      rpcUrl = node.rpcUrl;
    } catch (error) {
      await node?.stop();
      rmSync(lockPath, { force: true });
      throw error;
    }
  }

  const stateFile = join(stateDir, 'state.json');
  const durable = async () => {
    if (o.kind !== 'anvil') return; // ganache's LevelDB keeps every block through a kill -9
    // anvil writes its state file every second: wait for a write that started after now.
    const since = Date.now();
    for (let i = 0; i < 60; i++) {
      if (existsSync(stateFile) && statSync(stateFile).mtimeMs > since + 5) return;
      await sleep(50);
    }
  };
  const close = async () => {
    if (!owned) return;
    await node?.stop();
    rmSync(nodePath, { force: true });
    rmSync(lockPath, { force: true });
  };

  try {
    const conn = await connectChain(rpcUrl!);
    const chainPath = join(stateDir, 'chain.json');
    let chain = readJson<ChainFile>(chainPath);
    if (!chain) {
      const deployment = await deployRegistry(conn, accounts.admin);
      await sendRegistryTx(conn, accounts.admin, deployment.address, 'grantRole', [
        ROLE_IDS.anchorer,
        accounts.anchorer.address,
      ]);
      await durable();
      chain = {
        kind: o.kind,
        chainId,
        registry: deployment.address,
        deployTxHash: deployment.txHash,
        deployBlock: deployment.blockNumber,
        admin: accounts.admin.address,
        anchorer: accounts.anchorer.address,
      };
      writeFileAtomic(chainPath, `${JSON.stringify(chain, null, 2)}\n`);
    } else {
      if (chain.admin !== accounts.admin.address) {
        throw new MedproofError(
          'CHAIN_MISMATCH',
          `${chainPath} belongs to another secrets.json (admin ${chain.admin})`,
        );
      }
      await checkRegistryCode(conn, chain.registry);
      const hasRole = await conn.client.readContract({
        address: chain.registry,
        abi: registryAbi,
        functionName: 'hasRole',
        args: [ROLE_IDS.anchorer, accounts.anchorer.address],
      });
      if (!hasRole)
        await sendRegistryTx(conn, accounts.admin, chain.registry, 'grantRole', [
          ROLE_IDS.anchorer,
          accounts.anchorer.address,
        ]);
    }
    return { kind: o.kind, conn, registry: chain.registry, ...accounts, stateDir, owned, durable, close };
  } catch (error) {
    await close();
    throw error;
  }
}
