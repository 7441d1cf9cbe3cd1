import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address, Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployRegistryV2 } from '../../src/chain/registry/deployRegistryV2.js';
import { registryV2Abi } from '../../src/chain/registryV2Abi.js';
import type { Institution } from '../../src/core/identity/identitySchemas.js';
import { fundOnDevNode, startTestChain, type TestChain } from '../helpers/chains.js';
import { spawnCli } from '../helpers/processes.js';
import { rand32, startTxtServer, type TxtServer } from '../helpers/registryV2.js';
import { tmpDir } from '../helpers/tmp.js';

const CITY: Institution = { name: 'City Hospital', domain: 'city-hospital.example', salt: rand32() };
const STACK = /^\s+at .+:\d+:\d+\)?$/m;
const errorOf = (stdout: string) =>
  (JSON.parse(stdout) as { error: { code: string; message: string } }).error;

/**
 * The CLI's writes on registry v2, by --rpc against a real anvil: roles, issuer terms, anchoring by the
 * anchorer with the issuer's profile, revocation with the receipt's Merkle proof, and the contract's
 * custom errors shown with their decoded values.
 */
describe('medproof CLI writes on registry v2', () => {
  const dir = tmpDir('medproof-v2-writes-');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_')));
  const keys = {
    admin: generatePrivateKey(),
    anchorer: generatePrivateKey(),
    revoker: generatePrivateKey(),
    doctor: generatePrivateKey(),
    colleague: generatePrivateKey(),
  };
  const addr = (k: keyof typeof keys): Address => privateKeyToAccount(keys[k]).address;
  let chain: TestChain;
  let dns: TxtServer;
  let registry: Address;
  const institutionFile = join(dir.path, 'institution.json');
  const profileFile = join(dir.path, 'doctor.profile.json');

  async function cli(args: string[], key: keyof typeof keys = 'admin') {
    const p = spawnCli([...args, '--data-dir', join(dir.path, 'data')], {
      cwd: dir.path,
      env: {
        ...env,
        MEDPROOF_RPC_URL: chain.conn.rpcUrl,
        MEDPROOF_REGISTRY: registry,
        MEDPROOF_KEY: keys[key],
        MEDPROOF_DNS_SERVER: dns.address,
      },
    });
    const code = await p.exited;
    const run = { code, stdout: p.stdout(), stderr: p.stderr() };
    expect(run.stderr + run.stdout).not.toMatch(STACK);
    return run;
  }
  const file = (name: string, content: string) => {
    const path = join(dir.path, name);
    writeFileSync(path, content);
    return path;
  };
  const read = (functionName: string, args: readonly unknown[]) =>
    (chain.conn.client.readContract as (p: unknown) => Promise<unknown>)({
      address: registry,
      abi: registryV2Abi,
      functionName,
      args,
    });
  async function anchor(name: string, content: string, key: keyof typeof keys = 'anchorer') {
    const path = file(name, content);
    const run = await cli(
      [
        'anchor',
        path,
        '--issuer',
        addr('doctor'),
        '--profile',
        profileFile,
        '--institution',
        institutionFile,
        '--patient',
        '9876543210',
        '--json',
      ],
      key,
    );
    return { path, receipt: `${path}.receipt.json`, run };
  }

  beforeAll(async () => {
    chain = await startTestChain('anvil');
    dns = await startTxtServer();
    await fundOnDevNode(
      chain.conn.rpcUrl,
      'anvil',
      Object.values(keys).map((k) => privateKeyToAccount(k).address),
    );
    registry = (await deployRegistryV2(chain.conn, privateKeyToAccount(keys.admin), CITY)).address;
    dns.records.set(CITY.domain, [[`medproof chain=${chain.conn.chainId} registry=${registry}`]]);
    writeFileSync(institutionFile, JSON.stringify(CITY));
  });

  afterAll(async () => {
    await dns?.close();
    await chain?.destroy();
    dir.remove();
  });

  it('roles grant/revoke: the v2 roles by name; ISSUER_ROLE is refused; a non-admin gets the decoded error', async () => {
    expect((await cli(['roles', 'grant', 'anchorer', addr('anchorer')])).code).toBe(0);
    const revoker = await cli(['roles', 'grant', 'REVOKER_ROLE', addr('revoker'), '--json']);
    expect(revoker.code, revoker.stderr).toBe(0);
    expect(JSON.parse(revoker.stdout)).toMatchObject({
      action: 'granted',
      role: 'revoker',
      registryVersion: 2,
    });
    const issuerRole = await cli(['roles', 'grant', 'issuer', addr('doctor'), '--json']);
    expect(issuerRole.code).toBe(2);
    expect(errorOf(issuerRole.stdout).code).toBe('REGISTRY_V1_ONLY');

    const byDoctor = await cli(['roles', 'grant', 'registrar', addr('doctor')], 'doctor');
    expect(byDoctor.code).toBe(2);
    expect(byDoctor.stderr).toContain(
      `grantRole rejected by the registry: AccessControlUnauthorizedAccount(${addr('doctor')}, 0x${'00'.repeat(32)})`,
    );
    // The old spelling still works: grant and revoke-role.
    expect((await cli(['grant', 'registrar', addr('colleague')])).code).toBe(0);
    expect((await cli(['revoke-role', 'registrar', addr('colleague')])).code).toBe(0);
  });

  it('issuer enroll writes the profile it commits to; the term is on chain', async () => {
    const run = await cli([
      'issuer',
      'enroll',
      addr('doctor'),
      '--name',
      'Dr. A. Deshpande',
      '--registration',
      '2011/04/1234',
      '--council',
      'MMC',
      '--institution',
      institutionFile,
      '--out',
      profileFile,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`enrolled ${addr('doctor')} (Dr. A. Deshpande, MMC 2011/04/1234)`);
    const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as { institution: unknown };
    expect(profile.institution).toEqual({ name: CITY.name, domain: CITY.domain });
    expect(await read('termCount', [addr('doctor')])).toBe(1n);
    const again = await cli(['issuer', 'enroll', addr('doctor'), '--profile', profileFile]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`IssuerAlreadyActive(${addr('doctor')})`);
  });

  it('anchor on v2 needs the profile, refuses a non-anchorer, and writes v2 receipts that verify VALID', async () => {
    const noProfile = await cli(['anchor', file('a.pdf', '%PDF-1.7 a'), '--json'], 'anchorer');
    expect(noProfile.code).toBe(2);
    expect(errorOf(noProfile.stdout).code).toBe('PROFILE_REQUIRED');

    const wrongInst = file('other.json', JSON.stringify({ ...CITY, salt: rand32() }));
    const mismatch = await cli(
      ['anchor', file('b.pdf', '%PDF-1.7 b'), '--issuer', addr('doctor'), '--profile', profileFile],
      'anchorer',
    );
    // The data folder's own institution is not City Hospital's commitment either.
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain('is not what registry');
    const mismatch2 = await cli(
      [
        'anchor',
        file('c.pdf', '%PDF-1.7 c'),
        '--issuer',
        addr('doctor'),
        '--profile',
        profileFile,
        '--institution',
        wrongInst,
      ],
      'anchorer',
    );
    expect(mismatch2.code).toBe(2);

    const byDoctor = await anchor('d.pdf', '%PDF-1.7 d', 'doctor');
    expect(byDoctor.run.code).toBe(2);
    expect(errorOf(byDoctor.run.stdout).message).toMatch(
      new RegExp(`AccessControlUnauthorizedAccount\\(${addr('doctor')}, 0x[0-9a-f]{64}\\)`),
    );

    const ok = await anchor('report.pdf', '%PDF-1.7 report');
    expect(ok.run.code, ok.run.stderr).toBe(0);
    expect(JSON.parse(ok.run.stdout)).toMatchObject({ receiptVersion: 2, issuer: addr('doctor'), registry });
    const receipt = JSON.parse(readFileSync(ok.receipt, 'utf8')) as Record<string, unknown>;
    expect(receipt).toMatchObject({ version: 2, issuer: addr('doctor'), institution: CITY });
    const verify = await cli(['verify', ok.path]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^VALID/);
    expect(verify.stdout).toContain('issued by Dr. A. Deshpande (MMC 2011/04/1234), City Hospital');
    expect(verify.stdout).toContain('city-hospital.example (DNS-verified)');
  });

  it('revoke on v2: a bad proof and another issuer revert with decoded values; superseded names its successor', async () => {
    const first = await anchor('cert-v1.pdf', '%PDF-1.7 certificate, first version');
    const second = await anchor('cert-v2.pdf', '%PDF-1.7 certificate, corrected');
    expect(first.run.code, first.run.stderr).toBe(0);
    expect(second.run.code, second.run.stderr).toBe(0);
    const r1 = JSON.parse(readFileSync(first.receipt, 'utf8')) as { leaf: Hex; root: Hex; proof: Hex[] };

    // A forged proof: the leaf is not in the root it names.
    const forged = file('forged.receipt.json', JSON.stringify({ ...r1, proof: [rand32()] }));
    const bad = await cli(['revoke', forged, '--reason', 'fraud-suspected'], 'doctor');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`revoke rejected by the registry: InvalidProof(${r1.leaf}, ${r1.root})`);

    const other = await cli(['revoke', first.receipt, '--reason', 'issued-in-error', '--json'], 'colleague');
    expect(other.code).toBe(2);
    expect(errorOf(other.stdout)).toEqual({
      code: 'CONTRACT_REVERTED',
      message: `revoke rejected by the registry: NotAllowedToRevoke(${addr('colleague')}, ${r1.leaf})`,
    });

    const noSuccessor = await cli(['revoke', first.receipt, '--reason', 'superseded'], 'doctor');
    expect(noSuccessor.code).toBe(2);
    expect(noSuccessor.stderr).toContain('--superseded-by');

    const superseded = await cli(
      ['revoke', first.receipt, '--reason', 'superseded', '--superseded-by', second.receipt, '--json'],
      'doctor',
    );
    expect(superseded.code, superseded.stderr).toBe(0);
    const r2 = JSON.parse(readFileSync(second.receipt, 'utf8')) as { leaf: Hex };
    expect(JSON.parse(superseded.stdout)).toMatchObject({
      leaf: r1.leaf,
      reasonName: 'superseded',
      supersededBy: r2.leaf,
    });
    expect(await read('revocation', [r1.leaf])).toEqual([expect.any(BigInt), 1, r2.leaf]);

    const old = await cli(['verify', first.path, '--json']);
    expect(old.code).toBe(1);
    expect(JSON.parse(old.stdout)).toMatchObject({ verdict: 'REVOKED', code: 'SUPERSEDED' });
    expect((await cli(['verify', second.path])).code).toBe(0);

    const twice = await cli(['revoke', first.receipt, '--reason', 'issued-in-error'], 'revoker');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`LeafAlreadyRevoked(${r1.leaf})`);

    const byRevoker = await cli(['revoke', second.receipt, '--reason', 'issued-in-error'], 'revoker');
    expect(byRevoker.code, byRevoker.stderr).toBe(0);
    expect((await cli(['verify', second.path])).code).toBe(1);
  });

  it('issuer retire and compromised: old documents stay VALID, new anchors are refused; a future point reverts', async () => {
    const before = await anchor('before.pdf', '%PDF-1.7 before retiring');
    expect(before.run.code, before.run.stderr).toBe(0);
    const retire = await cli(['issuer', 'retire', addr('doctor')]);
    expect(retire.code, retire.stderr).toBe(0);
    expect(retire.stdout).toContain('documents anchored before stay valid');
    expect((await cli(['verify', before.path])).code).toBe(0);

    const after = await anchor('after.pdf', '%PDF-1.7 after retiring');
    expect(after.run.code).toBe(2);
    expect(errorOf(after.run.stdout).code).toBe('PROFILE_MISMATCH');

    const renewRetired = await cli(['issuer', 'renew', addr('doctor'), '--profile', profileFile]);
    expect(renewRetired.code).toBe(2);
    expect(renewRetired.stderr).toContain(`IssuerNotActive(${addr('doctor')})`);

    const future = Math.floor(Date.now() / 1000) + 86_400;
    const tooLate = await cli(['issuer', 'compromised', addr('colleague'), '--from', String(future)]);
    expect(tooLate.code).toBe(2);
    expect(tooLate.stderr).toContain(`InvalidCompromiseTime(${addr('colleague')}, ${future})`);
    const badTime = await cli(['issuer', 'compromised', addr('colleague'), '--from', 'yesterday', '--json']);
    expect(errorOf(badTime.stdout).code).toBe('BAD_TIME');
    const marked = await cli(['issuer', 'compromised', addr('colleague')]);
    expect(marked.code, marked.stderr).toBe(0);
    expect(await read('compromisedFrom', [addr('colleague')])).not.toBe(0n);
  });
});
