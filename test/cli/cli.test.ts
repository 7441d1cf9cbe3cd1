import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/chain/embedded/processes.js';
import { loadSecrets } from '../../src/config/secrets.js';
import { verhoeffDigit } from '../../src/core/patientId/verhoeff.js';
import { NODE_KINDS, fundOnDevNode } from '../helpers/chains.js';
import { gone, spawnCli, type Spawned } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const AADHAAR = `23456789012${verhoeffDigit('23456789012')}`;

/** A stack trace line: the CLI must never print one. */
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe.each(NODE_KINDS)('medproof CLI on the embedded %s node', (kind) => {
  const dir = tmpDir(`medproof-cli-${kind}-`);
  const dataDir = join(dir.path, 'data');
  // No MEDPROOF_* from the developer's shell leaks into these runs.
  // These flows (an admin key anchoring and revoking, ISSUER_ROLE granted by hand) are registry v1's,
  // so its deployments are v1; v2's are tested through the portal (test/portal/registryV2Terms.test.ts).
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_'))),
    MEDPROOF_REGISTRY_VERSION: '1',
  };
  let start: Spawned;
  let info: { rpcUrl: string; registry: string; chainId: number };

  async function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
    const p = spawnCli([...args, '--data-dir', dataDir, '--node', kind], {
      cwd: dir.path,
      env: { ...env, ...extraEnv },
    });
    const code = await p.exited;
    return { code, stdout: p.stdout(), stderr: p.stderr() };
  }
  const file = (name: string, content: string) => {
    const path = join(dir.path, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(async () => {
    const port = String(await freePort());
    start = spawnCli(
      ['start', '--json', '--data-dir', dataDir, '--node', kind, '--port', '0', '--node-port', port],
      {
        cwd: dir.path,
        env,
      },
    );
    // A long-running command prints JSON lines: one event per line.
    info = JSON.parse(await start.line(/"status":"running"/, 60_000)) as typeof info;
  }, 90_000);

  afterAll(async () => {
    if (start.child.exitCode === null) start.child.kill('SIGTERM');
    await start.exited;
    dir.remove();
  });

  it('start prints the node’s RPC URL and the registry it deployed', () => {
    expect(info.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.registry).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(info.chainId).toBe(kind === 'anvil' ? 31337 : 1337);
  });

  it('anchor writes a receipt beside each file; verify says VALID with exit 0', async () => {
    const a = file('report.pdf', '%PDF-1.4 blood test: normal');
    const b = file('certificate.pdf', '%PDF-1.4 fit to work');
    const run = await cli(['anchor', a, b, '--patient', AADHAAR, '--type', 'certificate', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { files: { receipt: string }[]; registry: string; txHash: string };
    expect(out.files).toHaveLength(2);
    expect(out.registry).toBe(info.registry);
    const receipt = JSON.parse(readFileSync(`${a}.receipt.json`, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(receipt)).toEqual([
      'version',
      'docHash',
      'salt',
      'patientRef',
      'issuer',
      'docType',
      'issuedAt',
      'leaf',
      'proof',
      'root',
      'chainId',
      'registry',
      'txHash',
      'blockNumber',
    ]);
    expect(JSON.stringify(receipt)).not.toContain(AADHAAR);
    const verify = await cli(['verify', a]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^VALID/);
    const json = JSON.parse((await cli(['verify', b, '--json'])).stdout) as {
      verdict: string;
      checks: unknown[];
    };
    expect(json.verdict).toBe('VALID');
    expect(json.checks).toHaveLength(10);
  });

  it('a changed byte is TAMPERED (exit 1); the original still verifies', async () => {
    const orig = file('scan.txt', 'x-ray: no fracture');
    expect((await cli(['anchor', orig])).code).toBe(0);
    const forged = join(dir.path, 'scan-forged.txt');
    copyFileSync(orig, forged);
    writeFileSync(forged, 'x-ray: no fracturE');
    const run = await cli(['verify', forged, '--receipt', `${orig}.receipt.json`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^TAMPERED/);
    expect((await cli(['verify', orig])).code).toBe(0);
  });

  it('revoke marks a document REVOKED (exit 1) for every verifier', async () => {
    const doc = file('sick-note.txt', 'rest for 3 days');
    expect((await cli(['anchor', doc])).code).toBe(0);
    const rev = await cli(['revoke', `${doc}.receipt.json`, '--reason', 'issued-in-error']);
    expect(rev.code, rev.stderr).toBe(0);
    const run = await cli(['verify', doc, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      verdict: 'REVOKED',
      revocation: { reason: 2, reasonName: 'issued-in-error' },
    });
  });

  it('bad input gets one clear line and exit 2, never a stack trace', async () => {
    const doc = file('lab.txt', 'hb 13.5');
    expect((await cli(['anchor', doc])).code).toBe(0);
    const bad = file(
      'bad.receipt.json',
      JSON.stringify({ ...JSON.parse(readFileSync(`${doc}.receipt.json`, 'utf8')), root: '0x12' }),
    );
    const cases: [string[], RegExp][] = [
      [['verify', join(dir.path, 'missing.pdf'), '--receipt', `${doc}.receipt.json`], /file not found/],
      [['verify', doc, '--receipt', join(dir.path, 'none.json')], /receipt not found/],
      [['verify', doc, '--receipt', bad], /malformed receipt: root/],
      [['verify', doc, '--rpc', 'http://127.0.0.1:1'], /could not reach the chain/],
      [
        ['anchor', doc, '--patient', `${AADHAAR.slice(0, 11)}${(Number(AADHAAR[11]) + 1) % 10}`, '--force'],
        /check digit/,
      ],
      [['anchor', doc], /exists already/],
      [['anchor', join(dir.path, 'missing.pdf')], /file not found/],
      [['grant', 'doctor', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'], /unknown role/],
      [['revoke', `${doc}.receipt.json`, '--reason', 'bored'], /--reason must be/],
      [['verify', doc, '--rpc', 'not-a-url'], /--rpc: must be an http/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      expect(run.code, `${args.join(' ')}: ${run.stdout}${run.stderr}`).toBe(2);
      expect(run.stdout + run.stderr, args.join(' ')).toMatch(message);
      expect(run.stdout + run.stderr).not.toMatch(STACK);
    }
  });

  it('deploys a registry on any chain by --rpc/--key; receipts name it; verifiers trust only the registry they are given', async () => {
    const { devMnemonic } = loadSecrets(dataDir);
    const deployer = mnemonicToAccount(devMnemonic, { addressIndex: 2 });
    const key = bytesToHex(deployer.getHdKey().privateKey!);
    await fundOnDevNode(info.rpcUrl, kind, [deployer.address]);
    const deploy = await cli(['deploy', '--rpc', info.rpcUrl, '--json'], { MEDPROOF_KEY: key });
    expect(deploy.code, deploy.stderr).toBe(0);
    const { registry } = JSON.parse(deploy.stdout) as { registry: string };
    expect(registry).not.toBe(info.registry);
    const doc = file('external.txt', 'discharge summary');
    const external = ['--rpc', info.rpcUrl, '--registry', registry];
    expect((await cli(['anchor', doc, ...external], { MEDPROOF_KEY: key })).code).toBe(0);
    expect(JSON.parse(readFileSync(`${doc}.receipt.json`, 'utf8'))).toMatchObject({ registry });
    expect((await cli(['verify', doc, ...external])).code).toBe(0);
    // A flag beats the variable: the broken MEDPROOF_RPC_URL is ignored.
    expect((await cli(['verify', doc, ...external], { MEDPROOF_RPC_URL: 'http://127.0.0.1:1' })).code).toBe(
      0,
    );
    // The data folder's verifier trusts its own registry only: someone else's registry proves nothing.
    const untrusted = await cli(['verify', doc, '--json']);
    expect(untrusted.code).toBe(1);
    expect(JSON.parse(untrusted.stdout)).toMatchObject({
      verdict: 'UNKNOWN_ISSUER',
      code: 'UNTRUSTED_REGISTRY',
    });
  });

  it('grant and revoke-role manage issuers: a document by a de-authorised issuer is UNKNOWN_ISSUER', async () => {
    const { devMnemonic } = loadSecrets(dataDir);
    const doctor = mnemonicToAccount(devMnemonic, { addressIndex: 3 });
    const key = bytesToHex(doctor.getHdKey().privateKey!);
    await fundOnDevNode(info.rpcUrl, kind, [doctor.address]);
    expect((await cli(['grant', 'issuer', doctor.address])).code).toBe(0);
    const doc = file('referral.txt', 'refer to cardiology');
    expect((await cli(['anchor', doc], { MEDPROOF_KEY: key })).code).toBe(0);
    expect((await cli(['verify', doc])).code).toBe(0);
    const revoke = await cli(['revoke-role', 'ISSUER_ROLE', doctor.address, '--json']);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(JSON.parse(revoke.stdout)).toMatchObject({
      action: 'revoked',
      role: 'issuer',
      address: doctor.address,
    });
    expect(JSON.parse((await cli(['verify', doc, '--json'])).stdout)).toMatchObject({
      verdict: 'UNKNOWN_ISSUER',
      code: 'UNKNOWN_ISSUER',
    });
  });

  it('receipt --schema prints the JSON Schema; receipt FILE checks one', async () => {
    const schema = JSON.parse((await cli(['receipt', '--schema', '--json'])).stdout) as {
      $id: string;
      required: string[];
    };
    expect(schema.$id).toContain('receipt-v1');
    expect(schema.required).toContain('txHash');
    const doc = file('x.txt', 'x');
    expect((await cli(['anchor', doc])).code).toBe(0);
    expect((await cli(['receipt', `${doc}.receipt.json`])).stdout).toContain('receipt v1');
  });

  it('after start stops (SIGTERM), a command starts the node for itself and stops it again', async () => {
    const node = JSON.parse(readFileSync(join(dataDir, 'chain', kind, 'node.json'), 'utf8')) as {
      pid: number;
    };
    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
    await gone(node.pid);
    expect(existsSync(join(dataDir, 'chain', kind, 'node.json'))).toBe(false);
    const doc = join(dir.path, 'report.pdf');
    const run = await cli(['verify', doc]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(dataDir, 'chain', kind, 'node.json'))).toBe(false);
  }, 60_000);
});

describe('medproof CLI without a chain', () => {
  it('verify with no data folder and no --rpc says what to pass (exit 2)', async () => {
    const dir = tmpDir('medproof-cli-none-');
    try {
      writeFileSync(join(dir.path, 'a.txt'), 'a');
      writeFileSync(join(dir.path, 'a.txt.receipt.json'), '{}');
      const p = spawnCli(['verify', 'a.txt', '--data-dir', join(dir.path, 'data')], { cwd: dir.path });
      expect(await p.exited).toBe(2);
      expect(p.stderr()).toMatch(/malformed receipt|pass --rpc/);
      const usage = spawnCli(['verify'], { cwd: dir.path });
      expect(await usage.exited).toBe(2);
      const help = spawnCli(['--help'], { cwd: dir.path });
      expect(await help.exited).toBe(0);
      expect(help.stdout()).toContain('verify');
    } finally {
      dir.remove();
    }
  });
});
