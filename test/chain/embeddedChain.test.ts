import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from 'viem';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbeddedChain } from '../../src/chain/embedded/openEmbeddedChain.js';
import { freePort, processAlive } from '../../src/chain/embedded/processes.js';
import { registryReader } from '../../src/chain/registry/registryReader.js';
import { sendRegistryTx } from '../../src/chain/registry/sendRegistryTx.js';
import { loadSecrets } from '../../src/config/secrets.js';
import { NODE_KINDS, startTestChain } from '../helpers/chains.js';
import { gone, spawnCli } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp.js';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

describe.each(NODE_KINDS)('embedded %s chain', (kind) => {
  it('deploys once and keeps the registry and its anchors across restarts', async () => {
    const first = await startTestChain(kind);
    cleanups.push(() => rmSync(first.dataDir, { recursive: true, force: true }));
    const root = toHex(randomBytes(32));
    await sendRegistryTx(first.conn, first.admin, first.registry, 'anchor', [root, 1]);
    await first.durable();
    await first.close();
    const again = await first.reopen();
    try {
      expect(again.registry).toBe(first.registry);
      expect((await registryReader(again.conn.client).rootInfo(again.registry, root)).leafCount).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('lets one-off commands join a running node, and refuses a second owner with DATA_DIR_BUSY', async () => {
    const owner = await startTestChain(kind);
    cleanups.push(() => rmSync(owner.dataDir, { recursive: true, force: true }));
    try {
      const { devMnemonic } = loadSecrets(owner.dataDir);
      const joined = await openEmbeddedChain({
        dataDir: owner.dataDir,
        kind,
        mnemonic: devMnemonic,
        mode: 'command',
      });
      expect(joined.owned).toBe(false);
      expect(joined.conn.rpcUrl).toBe(owner.conn.rpcUrl);
      await joined.close();
      await expect(
        openEmbeddedChain({
          dataDir: owner.dataDir,
          kind,
          mnemonic: devMnemonic,
          mode: 'serve',
          port: await freePort(),
          busyTimeoutMs: 300,
        }),
      ).rejects.toMatchObject({ code: 'DATA_DIR_BUSY' });
      // Still answering: joining did not stop the owner's node.
      expect(await owner.conn.client.getChainId()).toBe(owner.conn.chainId);
    } finally {
      await owner.close();
    }
  });

  it('stops with CHAIN_MISMATCH, never redeploying, when the chain lost the registry', async () => {
    const chain = await startTestChain(kind);
    cleanups.push(() => rmSync(chain.dataDir, { recursive: true, force: true }));
    await chain.close();
    // The node's state is gone (a wiped disk, a node started without its state): chain.json remains.
    rmSync(join(chain.dataDir, 'chain', kind, kind === 'anvil' ? 'state.json' : 'db'), {
      recursive: true,
      force: true,
    });
    rmSync(join(chain.dataDir, 'chain', kind, 'state.json.bak'), { force: true });
    await expect(chain.reopen()).rejects.toMatchObject({
      code: 'CHAIN_MISMATCH',
      message: expect.stringContaining('no contract at registry'),
    });
  });

  it('replaces the node a killed `medproof start` left running, keeping its chain', async () => {
    const dir = tmpDir(`medproof-orphan-${kind}-`);
    cleanups.push(() => dir.remove());
    const dataDir = join(dir.path, 'data');
    const start = spawnCli(
      [
        'start',
        '--json',
        '--data-dir',
        dataDir,
        '--node',
        kind,
        '--port',
        '0',
        '--node-port',
        String(await freePort()),
      ],
      // `medproof anchor` below writes registry v1 (the admin key anchoring): this data folder is v1.
      { env: { ...process.env, MEDPROOF_REGISTRY_VERSION: '1' } },
    );
    await start.line(/"status":"running"/, 60_000);
    const node = JSON.parse(readFileSync(join(dataDir, 'chain', kind, 'node.json'), 'utf8')) as {
      pid: number;
    };
    const doc = join(dir.path, 'a.txt');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(doc, 'orphan test');
    const anchor = spawnCli(['anchor', doc, '--data-dir', dataDir, '--node', kind]);
    expect(await anchor.exited).toBe(0);
    start.child.kill('SIGKILL');
    await start.exited;
    expect(processAlive(node.pid)).toBe(true); // the orphan
    const verify = spawnCli(['verify', doc, '--data-dir', dataDir, '--node', kind]);
    expect(await verify.exited, verify.stderr()).toBe(0);
    await gone(node.pid);
  }, 90_000);
});
