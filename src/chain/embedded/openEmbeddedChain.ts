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
import { MedproofError, type Institution } from '../../core/index.js';
import { writeFileAtomic } from '../../config/index.js';
import { connectChain, type ChainConnection } from '../connectChain.js';
import type { EmbeddedNode, NodeKind } from '../nodes/EmbeddedNode.js';
import { isPortTaken } from '../nodes/childProcess.js';
import { DEFAULT_CHAIN_ID, launchNode } from '../nodes/launchNode.js';
import { checkRegistryCode, deployRegistry } from '../registry/deployRegistry.js';
import { deployRegistryV2 } from '../registry/deployRegistryV2.js';
import type { RegistryVersion } from '../registry/registryVersion.js';
import { ROLE_IDS } from '../registry/roles.js';
import { registryAbi } from '../registryAbi.js';
import { sendRegistryTx } from '../registry/sendRegistryTx.js';
import { devAccounts } from './devAccounts.js';
import { fundAccounts } from './fundAccounts.js';
import { freePort, processAlive, terminate } from './processes.js';

export interface EmbeddedChain {
  readonly kind: NodeKind;
  readonly conn: ChainConnection;
  readonly registry: Address;
  /** Which registry contract `registry` is: v2 for data folders created with an institution, v1 for older ones. */
  readonly registryVersion: RegistryVersion;
  readonly admin: HDAccount;
  readonly anchorer: HDAccount;
  readonly stateDir: string;
  /** True when this process started the node and will stop it on close. */
  readonly owned: boolean;
  /** The pid of the node this process owns (it changes when the node is restarted); undefined if joined. */
  readonly nodePid: number | undefined;
  /** Resolves once everything written so far survives a kill -9 of the node. */
  durable(): Promise<void>;
  /**
   * Calls `listener` when the node this process owns exits without having been asked to (never after
   * `close()`); returns the function that removes it. A node this process joined is not watched.
   */
  onNodeExit(listener: (code: number | null) => void): () => void;
  /**
   * Starts the owned node again after it died, on the same port with the same state (anvil reloads its
   * state file, ganache its database), and checks the registry's code again: a chain that lost it is
   * CHAIN_MISMATCH (the node stays up; anchoring must pause, never redeploy under old receipts).
   */
  restartNode(): Promise<void>;
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
  /** More accounts to give gas money when this process starts the node (tests' spare accounts). */
  readonly fund?: readonly Address[];
  /** How long to wait for another process to release the data folder's node (default 30 s). */
  readonly busyTimeoutMs?: number;
  /**
   * The institution a first start commits registry v2 to. Without it a first start deploys registry v1
   * (test chains of v1's own tests). A data folder's existing registry is kept, whichever it is.
   */
  readonly institution?: Institution;
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
  /** Absent in data folders from before registry v2: those hold v1. */
  registryVersion?: RegistryVersion;
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
  let closed = false;
  let nodeAlive = false;
  let restarting: Promise<void> | undefined;
  const exitListeners = new Set<(code: number | null) => void>();
  // The last exit path of all (process.exit, an uncaught error, a crash inside a library): the node must
  // not outlive us holding the port. Only synchronous code runs here, so it is asked to stop (SIGTERM:
  // anvil writes its state) and the next owner waits for it through node.json.
  const stopOnProcessExit = () => {
    if (node && nodeAlive) {
      try {
        process.kill(node.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  const launch = async (port: number) => {
    const started = await launchNode(o.kind, { stateDir, port, chainId });
    node = started;
    nodeAlive = true;
    void started.exited.then((code) => {
      if (node !== started) return;
      nodeAlive = false;
      if (!closed) for (const listener of exitListeners) listener(code);
    });
    const info: NodeFile = {
      pid: started.pid,
      ownerPid: process.pid,
      rpcUrl: started.rpcUrl,
      kind: o.kind,
      chainId,
    };
    writeFileAtomic(nodePath, JSON.stringify(info));
  };
  let port = 0;
  if (owned) {
    try {
      port = o.mode === 'serve' ? (o.port ?? 8545) : await freePort();
      // A node left behind by a killed owner still holds its port and state: stop it cleanly first.
      const orphan = readJson<NodeFile>(nodePath);
      if (orphan && processAlive(orphan.pid, orphan.kind)) await terminate(orphan.pid);
      rmSync(nodePath, { force: true });
      process.on('exit', stopOnProcessExit);
      // A port chosen by freePort is free only when chosen: another process (someone's anvil) may bind
      // it before our node does, which would then read as the wrong chain. A command's own port is
      // arbitrary, so it takes another; `serve`'s port is configured, and taken is an error there.
      for (let attempt = 1; ; attempt++) {
        try {
          await launch(port);
          break;
        } catch (error) {
          if (o.mode === 'serve' || attempt >= 3 || !isPortTaken(error)) throw error;
          port = await freePort();
        }
      }
      rpcUrl = node!.rpcUrl;
    } catch (error) {
      await node?.stop();
      process.off('exit', stopOnProcessExit);
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
    if (!owned || closed) return;
    closed = true;
    exitListeners.clear();
    // A restart under way may be launching a node right now: let it finish, then stop that one.
    await restarting?.catch(() => undefined);
    await node?.stop();
    process.off('exit', stopOnProcessExit);
    rmSync(nodePath, { force: true });
    rmSync(lockPath, { force: true });
  };
  const onNodeExit = (listener: (code: number | null) => void) => {
    if (owned) exitListeners.add(listener);
    return () => void exitListeners.delete(listener);
  };

  try {
    const conn = await connectChain(rpcUrl!);
    if (owned)
      await fundAccounts(conn, o.kind, [
        accounts.admin.address,
        accounts.anchorer.address,
        ...(o.fund ?? []),
      ]);
    const chainPath = join(stateDir, 'chain.json');
    let chain = readJson<ChainFile>(chainPath);
    let registryVersion: RegistryVersion;
    if (!chain) {
      // v2's constructor gives the admin (the chain-operations key) every role, registrar and revoker
      // included; the engine's own key is granted only ANCHORER_ROLE. grantRole has one ABI in both.
      registryVersion = o.institution ? 2 : 1;
      const deployment = o.institution
        ? await deployRegistryV2(conn, accounts.admin, o.institution)
        : await deployRegistry(conn, accounts.admin);
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
        registryVersion,
      };
      writeFileAtomic(chainPath, `${JSON.stringify(chain, null, 2)}\n`);
    } else {
      if (chain.admin !== accounts.admin.address) {
        throw new MedproofError(
          'CHAIN_MISMATCH',
          `${chainPath} belongs to another secrets.json (admin ${chain.admin})`,
        );
      }
      registryVersion = await checkRegistryCode(conn, chain.registry);
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
    const registry = chain.registry;
    const restartNode = async () => {
      if (!owned) throw new MedproofError('NODE_START_FAILED', 'the node belongs to another process');
      if (closed || restarting)
        throw new MedproofError('NODE_START_FAILED', 'the chain is closing or restarting');
      if (nodeAlive) return;
      restarting = launch(port);
      try {
        await restarting;
      } finally {
        restarting = undefined;
      }
      if (closed) return; // close() has stopped the new node
      await fundAccounts(conn, o.kind, [
        accounts.admin.address,
        accounts.anchorer.address,
        ...(o.fund ?? []),
      ]);
      await checkRegistryCode(conn, registry);
    };
    return {
      kind: o.kind,
      conn,
      registry,
      registryVersion,
      ...accounts,
      stateDir,
      owned,
      get nodePid() {
        return owned ? node?.pid : undefined;
      },
      durable,
      onNodeExit,
      restartNode,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
