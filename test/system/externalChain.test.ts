import { join } from 'node:path';
import { bytesToHex } from 'viem';
import { english, generateMnemonic, mnemonicToAccount } from 'viem/accounts';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/chain/embedded/processes.js';
import { launchAnvil } from '../../src/chain/nodes/launchAnvil.js';
import type { EmbeddedNode } from '../../src/chain/nodes/EmbeddedNode.js';
import { issueForm, seedPortal, waitForVerdict } from '../helpers/http.js';
import { nextAadhaar, PASSWORD } from '../helpers/portal.js';
import { spawnCli, type Spawned } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp.js';

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_')));

describe('medproof on a chain it does not run (configuration only)', () => {
  const dir = tmpDir('medproof-external-');
  let node: EmbeddedNode | undefined;
  let start: Spawned | undefined;
  afterAll(async () => {
    start?.child.kill('SIGTERM');
    await start?.exited;
    await node?.stop();
    dir.remove();
  });

  it('deploys with `medproof deploy`, refuses to start with one key for both writers, then anchors through MEDPROOF_RPC_URL/REGISTRY/KEY/ANCHOR_KEY', async () => {
    // "Someone else's" chain: a node this test starts, with its own funded accounts.
    const mnemonic = generateMnemonic(english);
    node = await launchAnvil({
      stateDir: join(dir.path, 'node'),
      port: await freePort(),
      chainId: 31337,
    });
    const key = bytesToHex(mnemonicToAccount(mnemonic, { addressIndex: 0 }).getHdKey().privateKey!);
    // The engine signs from its own account: never the admin's, whose nonces the registry changes use.
    const engineAccount = mnemonicToAccount(mnemonic, { addressIndex: 1 });
    for (const address of [mnemonicToAccount(mnemonic, { addressIndex: 0 }).address, engineAccount.address]) {
      const funded = await fetch(node.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'anvil_setBalance',
          params: [address, '0xd3c21bcecceda1000000'],
        }),
      });
      expect(funded.status).toBe(200);
    }
    const anchorKey = bytesToHex(engineAccount.getHdKey().privateKey!);
    const dataDir = join(dir.path, 'data');

    const deploy = spawnCli(['deploy', '--json', '--data-dir', dataDir], {
      env: { ...env, MEDPROOF_RPC_URL: node.rpcUrl, MEDPROOF_KEY: key },
    });
    expect(await deploy.exited, deploy.stderr()).toBe(0);
    const { registry } = JSON.parse(deploy.stdout()) as { registry: string };

    const external = {
      MEDPROOF_RPC_URL: node.rpcUrl,
      MEDPROOF_REGISTRY: registry,
      MEDPROOF_KEY: key,
      MEDPROOF_LOG_LEVEL: 'warn',
    };
    const sameKey = spawnCli(['start', '--json', '--data-dir', dataDir, '--port', '0'], {
      env: { ...env, ...external },
    });
    expect(await sameKey.exited).not.toBe(0);
    expect(sameKey.stderr() + sameKey.stdout()).toContain('MEDPROOF_ANCHOR_KEY');
    const grant = spawnCli(['grant', 'anchorer', engineAccount.address, '--data-dir', dataDir], {
      env: { ...env, ...external },
    });
    expect(await grant.exited, grant.stderr()).toBe(0);
    start = spawnCli(['start', '--json', '--data-dir', dataDir, '--port', '0'], {
      env: { ...env, ...external, MEDPROOF_ANCHOR_KEY: anchorKey },
    });
    const info = JSON.parse(await start.line(/"status":"running"/, 60_000)) as {
      url: string;
      setupToken: string;
      node: string | null;
      registry: string;
      rpcUrl: string;
    };
    expect(info).toMatchObject({ node: null, registry, rpcUrl: node.rpcUrl });

    const patientId = nextAadhaar();
    const { doctor } = await seedPortal(info.url, info.setupToken, PASSWORD, patientId);
    const form = issueForm(patientId, 'X-ray report', 'no fracture seen', 'xray.pdf');
    const issued = await doctor.req('POST', '/api/documents', form);
    expect(issued.status).toBe(201);

    // VALID needs both the anchor (engine, MEDPROOF_ANCHOR_KEY) and the doctor's ISSUER_ROLE (chain-ops outbox, MEDPROOF_KEY).
    const verdict = await waitForVerdict(info.url, issued.json.docHash);
    expect(verdict).toBe('VALID');
  }, 120_000);
});
