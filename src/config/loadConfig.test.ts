import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './loadConfig.js';
import { SETTINGS } from './settings.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'medproof-config-'));

describe('loadConfig', () => {
  it('uses defaults, with the SQLite database inside the data folder', () => {
    const dir = dataDir();
    const c = loadConfig({ dataDir: dir }, {});
    expect(c).toMatchObject({
      dataDir: dir,
      node: 'anvil',
      nodePort: 8545,
      batchMax: 256,
      confirmations: 1,
      rpcUrl: undefined,
    });
    expect(c.databaseUrl).toBe(`sqlite:${join(dir, 'medproof.db')}`);
  });

  it('takes flags over MEDPROOF_* variables over config.json', () => {
    const dir = dataDir();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ batchMax: 16, node: 'ganache', rpcUrl: 'http://file:1' }),
    );
    const env = { MEDPROOF_DATA_DIR: dir, MEDPROOF_BATCH_MAX: '32', MEDPROOF_RPC_URL: 'http://env:2' };
    expect(loadConfig({}, env)).toMatchObject({ batchMax: 32, node: 'ganache', rpcUrl: 'http://env:2' });
    expect(loadConfig({ batchMax: 64, rpcUrl: 'http://flag:3' }, env)).toMatchObject({
      batchMax: 64,
      rpcUrl: 'http://flag:3',
    });
  });

  it('normalises keys and addresses', () => {
    const c = loadConfig(
      {
        dataDir: dataDir(),
        rpcUrl: 'http://x:1',
        registry: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
        key: 'AB'.repeat(32),
      },
      {},
    );
    expect(c.registry).toBe('0x5FbDB2315678afecb367f032d93F642f64180aa3');
    expect(c.key).toBe(`0x${'ab'.repeat(32)}`);
  });

  it.each([
    [{ MEDPROOF_BATCH_MAX: 'lots' }, /MEDPROOF_BATCH_MAX: must be an integer/],
    [{ MEDPROOF_NODE: 'hardhat' }, /MEDPROOF_NODE: must be one of anvil, ganache/],
    [{ MEDPROOF_RPC_URL: 'localhost:8545' }, /must be an http/],
    [{ MEDPROOF_KEY: 'nope' }, /MEDPROOF_KEY: must be a 32-byte hex private key \(got \(hidden\)\)/],
    [{ MEDPROOF_TRUST_PROXY: 'nginx' }, /MEDPROOF_TRUST_PROXY: must be true, false, or addresses/],
    [{ MEDPROOF_TRUST_PROXY: '10.0.0.0/33' }, /MEDPROOF_TRUST_PROXY/],
    [{ MEDPROOF_TRUST_PROXY: '1' }, /MEDPROOF_TRUST_PROXY/],
  ])('rejects %o with CONFIG_INVALID naming the source', (env, message) => {
    expect(() => loadConfig({ dataDir: dataDir() }, env)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) }),
    );
  });

  it('trusts no proxy by default, every hop with true, or only the proxies it names', () => {
    const trust = (v?: string) =>
      loadConfig({ dataDir: dataDir() }, v === undefined ? {} : { MEDPROOF_TRUST_PROXY: v }).trustProxy;
    expect(trust()).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust(' 127.0.0.1 , 10.0.0.0/8,::1 ')).toBe('127.0.0.1,10.0.0.0/8,::1');
  });

  it('rejects unknown keys and broken JSON in config.json, and a registry without an RPC URL', () => {
    const a = dataDir();
    writeFileSync(join(a, 'config.json'), '{"batchSize": 3}');
    expect(() => loadConfig({ dataDir: a }, {})).toThrow(/unknown setting batchSize/);
    const b = dataDir();
    writeFileSync(join(b, 'config.json'), '{');
    expect(() => loadConfig({ dataDir: b }, {})).toThrow(/not valid JSON/);
    expect(() =>
      loadConfig({ dataDir: dataDir(), registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3' }, {}),
    ).toThrow(/needs an RPC URL/);
  });

  it('every setting has a MEDPROOF_ variable and a description', () => {
    for (const s of Object.values(SETTINGS)) {
      expect(s.env).toMatch(/^MEDPROOF_[A-Z_]+$/);
      expect(s.doc.length).toBeGreaterThan(10);
    }
  });
});
