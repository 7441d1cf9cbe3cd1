import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';

/**
 * The portal's read-only JSON-RPC proxy (POST /rpc): allowed reads reach the chain, everything else
 * is answered -32601 by the portal and the chain is left as it was. Also the two public routes a
 * browser verifier uses beside it: GET /api/chain and GET /api/receipts/by-hash/:docHash.
 */
describe('POST /rpc, the read-only chain proxy', () => {
  let portal: TestPortal;
  let doctor: Client;
  let patient: Client;
  let docHash: string;
  const rpc = async (body: unknown, o: { raw?: string; ip?: string } = {}) => {
    const r = await portal
      .client(o.ip)
      .req('POST', '/rpc', o.raw !== undefined ? { raw: o.raw } : { json: body });
    return r;
  };
  // The node itself, not through the proxy: what the chain really holds.
  const node = async (method: string, params: unknown[] = []): Promise<unknown> =>
    portal.system.conn.client.request({ method, params } as never);

  beforeAll(async () => {
    portal = await startTestPortal({ env: { MEDPROOF_VERIFY_RATE_PER_MINUTE: '40' } });
    const admin = await portal.admin();
    doctor = await portal.doctor(admin);
    patient = await portal.patient();
    const issued = (await portal.issue(doctor, patient.user!.id)).json<{ id: string; docHash: string }>();
    docHash = issued.docHash;
    await portal.waitAnchored(patient, issued.id);
  }, 120_000);
  afterAll(() => portal?.stop());

  it('forwards allowed reads, single and batched, and answers in the client’s ids', async () => {
    const one = await rpc({ jsonrpc: '2.0', id: 'a', method: 'eth_chainId', params: [] });
    expect(one.status).toBe(200);
    expect(one.json()).toEqual({ jsonrpc: '2.0', id: 'a', result: '0x7a69' });
    const registry = portal.system.registry;
    const batch = await rpc([
      { jsonrpc: '2.0', id: 7, method: 'eth_blockNumber' },
      { jsonrpc: '2.0', id: 7, method: 'eth_getCode', params: [registry, 'latest'] },
      { jsonrpc: '2.0', id: 9, method: 'eth_getBlockByNumber', params: ['latest', false] },
      {
        jsonrpc: '2.0',
        id: 10,
        method: 'eth_getLogs',
        params: [{ address: registry, fromBlock: '0x0', toBlock: '0x10' }],
      },
      { jsonrpc: '2.0', id: 11, method: 'net_version' },
    ]);
    const answers = batch.json<{ id: number; result?: unknown; error?: unknown }[]>();
    expect(answers.map((a) => a.id)).toEqual([7, 7, 9, 10, 11]);
    for (const a of answers) expect(a.error, JSON.stringify(a)).toBeUndefined();
    expect(answers[0]!.result).toBe(await node('eth_blockNumber'));
    expect(String(answers[1]!.result).length).toBeGreaterThan(100); // the registry's code
    expect((answers[3]!.result as unknown[]).length).toBeGreaterThan(0); // its Anchored log
  });

  it('refuses writes and node controls with -32601, and the chain is unchanged', async () => {
    const registry = portal.system.registry;
    const before = {
      block: await node('eth_blockNumber'),
      slot0: await node('eth_getStorageAt', [registry, '0x0', 'latest']),
    };
    const refused = [
      { method: 'eth_sendRawTransaction', params: ['0x02f86c827a6980843b9aca00850c92a69c0082520894'] },
      { method: 'eth_sendTransaction', params: [{ to: registry, data: '0x' }] },
      { method: 'anvil_setStorageAt', params: [registry, '0x0', `0x${'11'.repeat(32)}`] },
      { method: 'anvil_reset', params: [] },
      { method: 'anvil_mine', params: ['0x5'] },
      { method: 'evm_mine', params: [] },
      { method: 'eth_accounts', params: [] },
      { method: 'toString', params: [] },
    ];
    for (const [i, r] of refused.entries()) {
      const single = await rpc({ jsonrpc: '2.0', id: i, ...r });
      expect(single.status).toBe(200);
      expect(single.json(), r.method).toEqual({
        jsonrpc: '2.0',
        id: i,
        error: { code: -32601, message: 'method not allowed' },
      });
    }
    // Hidden in a batch between reads: the reads are answered, the writes are not sent.
    const mixed = await rpc([
      { jsonrpc: '2.0', id: 1, method: 'eth_chainId' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'anvil_setStorageAt',
        params: [registry, '0x0', `0x${'22'.repeat(32)}`],
      },
      { jsonrpc: '2.0', id: 3, method: 'anvil_reset', params: [] },
    ]);
    expect(mixed.json()).toEqual([
      { jsonrpc: '2.0', id: 1, result: '0x7a69' },
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'method not allowed' } },
      { jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'method not allowed' } },
    ]);
    expect(await node('eth_blockNumber')).toBe(before.block);
    expect(await node('eth_getStorageAt', [registry, '0x0', 'latest'])).toBe(before.slot0);
    // The document is still there (anvil_reset would have wiped the registry).
    const r = await portal.client().get(`/api/receipts/by-hash/${docHash}`);
    expect(r.json<{ receipts: unknown[] }>().receipts).toHaveLength(1);
  });

  it('refuses the expensive or state-changing variants of allowed reads (-32602)', async () => {
    const registry = portal.system.registry;
    const cases = [
      { method: 'eth_getBlockByNumber', params: ['latest', true] },
      { method: 'eth_getLogs', params: [{ address: registry, fromBlock: '0x0', toBlock: 'latest' }] },
      { method: 'eth_getLogs', params: [{ fromBlock: '0x0', toBlock: '0x186a0' }] },
      { method: 'eth_getLogs', params: [{ fromBlock: '0x10', toBlock: '0x1' }] },
      {
        method: 'eth_call',
        params: [{ to: registry, data: '0x' }, 'latest', { [registry]: { code: '0x00' } }],
      },
      { method: 'eth_chainId', params: {} },
    ];
    for (const c of cases) {
      const r = await rpc({ jsonrpc: '2.0', id: 1, ...c });
      expect(r.json<{ error?: { code: number } }>().error?.code, JSON.stringify(c)).toBe(-32602);
    }
  });

  it('answers malformed JSON -32700, a bad request -32600, a batch over 20 -32600, a body over 64 KiB 413', async () => {
    const bad = await rpc(undefined, { raw: '{"jsonrpc":"2.0","method":' });
    expect(bad.status).toBe(200);
    expect(bad.json()).toMatchObject({ id: null, error: { code: -32700 } });
    expect((await rpc(42)).json()).toMatchObject({ error: { code: -32600 } });
    expect((await rpc([])).json()).toMatchObject({ error: { code: -32600 } });
    const many = Array.from({ length: 21 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'eth_chainId' }));
    expect((await rpc(many)).json()).toMatchObject({ id: null, error: { code: -32600 } });
    expect((await rpc(many.slice(0, 20))).json<unknown[]>()).toHaveLength(20);
    const big = await rpc({
      jsonrpc: '2.0',
      id: 1,
      method: 'eth_call',
      params: [{ data: `0x${'00'.repeat(40_000)}` }],
    });
    expect(big.status).toBe(413);
  });

  it('is rate-limited per client address', async () => {
    const ip = '203.0.113.9';
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++)
      statuses.push((await rpc({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }, { ip })).status);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    expect(statuses[40]).toBe(429);
    // Another address is not affected.
    expect((await rpc({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }, { ip: '203.0.113.10' })).status).toBe(
      200,
    );
  });

  it('GET /api/chain names the chain, the registry and the proxy; by-hash gives receipts only', async () => {
    const info = (await portal.client().get('/api/chain')).json();
    expect(info).toEqual({
      chainId: 31337,
      registry: portal.system.registry,
      rpcUrl: `${portal.system.config.publicUrl}/rpc`,
    });
    const r = await portal.client().get(`/api/receipts/by-hash/${docHash}`);
    expect(r.status).toBe(200);
    const body = r.json<{ receipts: { docHash: string; issuerProfile?: unknown }[] }>();
    expect(Object.keys(body)).toEqual(['receipts']);
    expect(body.receipts[0]!.docHash).toBe(docHash);
    expect(r.body).not.toContain('Asha');
    // The doctor is named only by the v2 receipt's public issuer profile, which the registry commits to.
    const { issuerProfile, ...rest } = body.receipts[0]!;
    expect(issuerProfile).toMatchObject({ name: expect.stringMatching(/^Dr /) });
    expect(JSON.stringify(rest)).not.toContain('Dr ');
    const none = await portal.client().get(`/api/receipts/by-hash/0x${'ab'.repeat(32)}`);
    expect(none.json()).toEqual({ receipts: [] });
    expect((await portal.client().get('/api/receipts/by-hash/abc')).status).toBe(400);
  });

  it('the verify page may connect to typed-in endpoints; other pages only to this portal', async () => {
    const csp = async (path: string) =>
      String((await portal.client().get(path)).headers['content-security-policy']);
    expect(await csp('/verify')).toMatch(
      /connect-src 'self' https: http:\/\/127\.0\.0\.1:\* http:\/\/localhost:\*/,
    );
    expect(await csp('/')).toMatch(/connect-src 'self';/);
    expect(await csp('/api/chain')).toMatch(/connect-src 'self';/);
  });
});
