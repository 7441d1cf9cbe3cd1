import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './loadConfig.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'medproof-config-'));

describe('verifier settings: MEDPROOF_DNS_SERVER and MEDPROOF_TRUST_LIST', () => {
  it('are unset by default (system DNS, no trust list)', () => {
    expect(loadConfig({ dataDir: dataDir() }, {})).toMatchObject({
      dnsServer: undefined,
      trustList: undefined,
    });
  });

  it('take HOST:PORT, IPv6 in brackets, and a trust list path', () => {
    const env = { MEDPROOF_DNS_SERVER: '[::1]:5353', MEDPROOF_TRUST_LIST: './lists/state.json' };
    expect(loadConfig({ dataDir: dataDir() }, env)).toMatchObject({
      dnsServer: '[::1]:5353',
      trustList: './lists/state.json',
    });
    expect(loadConfig({ dataDir: dataDir() }, { MEDPROOF_DNS_SERVER: 'ns1.example:53' }).dnsServer).toBe(
      'ns1.example:53',
    );
  });

  it('refuse a DNS server without a port, or with one out of range, naming the variable', () => {
    for (const bad of ['127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', 'host:port', '::1:53'])
      expect(() => loadConfig({ dataDir: dataDir() }, { MEDPROOF_DNS_SERVER: bad }), bad).toThrow(
        /MEDPROOF_DNS_SERVER: must be HOST:PORT/,
      );
  });
});
