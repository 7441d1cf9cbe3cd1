import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address, Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Institution } from '../../src/core/identity/identitySchemas.js';
import { profileCommitment } from '../../src/core/identity/profileCommitment.js';
import { startTestChain, type TestChain } from '../helpers/chains.js';
import { spawnCli } from '../helpers/processes.js';
import {
  deployRegistryV2,
  issueV2,
  profileFor,
  rand32,
  sendV2,
  startTxtServer,
  type TxtServer,
} from '../helpers/registryV2.js';
import { tmpDir } from '../helpers/tmp.js';

const CITY: Institution = { name: 'City Hospital', domain: 'city-hospital.example', salt: rand32() };

/** `medproof verify` on a v2 receipt: an external chain by --rpc, the institution's DNS from a local server. */
describe('medproof verify with a v2 receipt', () => {
  const dir = tmpDir('medproof-verify-v2-');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_')));
  let chain: TestChain;
  let dns: TxtServer;
  let registry: Address;
  let doc: string;
  let receipt: string;

  async function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    const p = spawnCli([...args, '--data-dir', join(dir.path, 'data')], {
      cwd: dir.path,
      env: { ...env, MEDPROOF_DNS_SERVER: dns.address, ...extraEnv },
    });
    const code = await p.exited;
    return { code, stdout: p.stdout(), stderr: p.stderr() };
  }
  const writeJson = (name: string, value: unknown) => {
    const path = join(dir.path, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };

  beforeAll(async () => {
    chain = await startTestChain('anvil');
    dns = await startTxtServer();
    registry = await deployRegistryV2(chain, CITY);
    const doctor = mnemonicToAccount(chain.mnemonic, { addressIndex: 4 });
    const profile = profileFor('Dr. A. Deshpande', '2011/04/1234', CITY);
    await sendV2(chain, chain.admin, registry, 'enrollIssuer', [
      doctor.address,
      profileCommitment(profile, profile.salt),
    ]);
    doc = join(dir.path, 'certificate.pdf');
    writeFileSync(doc, '%PDF-1.7 fitness certificate');
    const docHash: Hex = `0x${createHash('sha256').update('%PDF-1.7 fitness certificate').digest('hex')}`;
    const [issued] = await issueV2(chain, registry, CITY, [{ issuer: doctor.address, profile, docHash }]);
    receipt = writeJson('certificate.receipt.json', issued!.receipt);
  });

  afterAll(async () => {
    await dns?.close();
    await chain?.destroy();
    dir.remove();
  });

  it('VALID through DNS alone, printing who issued it and the DNS line (exit 0)', async () => {
    dns.records.set('city-hospital.example', [[`medproof chain=${chain.conn.chainId} registry=${registry}`]]);
    const run = await cli(['verify', doc, '--receipt', receipt, '--rpc', chain.conn.rpcUrl]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^VALID/);
    expect(run.stdout).toContain('issued by Dr. A. Deshpande (MMC 2011/04/1234), City Hospital');
    expect(run.stdout).toContain('institution city-hospital.example (DNS-verified)');
  });

  it('UNTRUSTED_REGISTRY (exit 1) when neither DNS nor the trust list names the registry', async () => {
    dns.records.delete('city-hospital.example');
    const list = writeJson('list.json', { version: 1, name: 'Insurer', registries: [] });
    const run = await cli(['verify', doc, '--receipt', receipt, '--rpc', chain.conn.rpcUrl, '--json'], {
      MEDPROOF_TRUST_LIST: list,
    });
    expect(run.code, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'UNKNOWN_ISSUER', code: 'UNTRUSTED_REGISTRY' });

    const listed = writeJson('listed.json', {
      version: 1,
      name: 'Insurer',
      registries: [
        { chainId: chain.conn.chainId, registry, institution: { name: CITY.name, domain: CITY.domain } },
      ],
    });
    const trusted = await cli(['verify', doc, '--receipt', receipt, '--rpc', chain.conn.rpcUrl], {
      MEDPROOF_TRUST_LIST: listed,
    });
    expect(trusted.code, trusted.stdout).toBe(0);
  });

  it('a malformed trust list or DNS server setting is the verifier’s mistake: exit 2, one line', async () => {
    const bad = writeJson('bad.json', { version: 1, name: 'x', registries: [{ chainId: 1 }] });
    const run = await cli(['verify', doc, '--receipt', receipt, '--rpc', chain.conn.rpcUrl], {
      MEDPROOF_TRUST_LIST: bad,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('malformed trust list: registries.0');
    const dnsBad = await cli(['verify', doc, '--receipt', receipt, '--rpc', chain.conn.rpcUrl], {
      MEDPROOF_DNS_SERVER: '127.0.0.1',
    });
    expect(dnsBad.code).toBe(2);
    expect(dnsBad.stderr).toContain('MEDPROOF_DNS_SERVER');
  });
});
