import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { encodeAbiParameters, keccak256, toHex, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanRegistryReader } from '../../src/io/leanRegistryReader.js';
import { computeLeaf } from '../../src/core/leaf/computeLeaf.js';
import type { LeafFields } from '../../src/core/leaf/LeafFields.js';
import type { Receipt } from '../../src/core/receipt/receiptSchema.js';
import { verifyDocument } from '../../src/core/verify/verifyDocument.js';
import { batchesIn } from '../../src/store/anchorQueue/anchorQueue.js';
import { startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';

type RpcAnswer = { result?: unknown; error?: { code: number; message: string } };

/** One JSON-RPC call by plain HTTP, as any local process or web page would send it. */
async function rawRpc(
  url: string,
  method: string,
  params: unknown[] = [],
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: RpcAnswer }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as RpcAnswer };
}

/**
 * Where the registry keeps a root's record. AccessControl's `_roles` is slot 0; v1's `_roots` is slot 1
 * (two words: anchorer and time, then block and count); v2 has `_institution` at 1 and `_roots` at 2
 * (one packed word: anchoredAt, blockNumber << 64, leafCount << 128).
 */
let rootsSlot = 1n;
const rootSlot = (root: Hex, word: 0 | 1): Hex =>
  toHex(
    BigInt(keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }], [root, rootsSlot]))) +
      BigInt(word),
    {
      size: 32,
    },
  );

const sha256 = (b: Buffer): Hex => `0x${createHash('sha256').update(b).digest('hex')}`;

/**
 * Issue 8's attacks on the embedded development node, replayed against a running portal: each fails
 * or is detected. The node is anvil as `medproof start` runs it (no unlocked account, no CORS, no
 * secret on its command line); the portal reaches it in-process, browsers only through /rpc.
 */
describe('attacks through the embedded node', () => {
  let portal: TestPortal;
  let patient: Client;
  let nodeUrl = '';
  let receipt: Receipt;
  const original = Buffer.from('%PDF-1.4\nHb 13.5 g/dL\n%%EOF\n');

  const issueAnchored = async (doctor: Client, data: Buffer) => {
    const issued = await portal.issue(doctor, patient.user!.id, { filename: 'hb.pdf', data });
    expect(issued.status, issued.body).toBe(201);
    const id = issued.json<{ id: string }>().id;
    await portal.waitAnchored(patient, id);
    const r = await patient.get(`/api/documents/${id}/receipt`);
    expect(r.status, r.body).toBe(200);
    return { id, receipt: r.json<Receipt>() };
  };
  const node = (method: string, params: unknown[] = []) => rawRpc(nodeUrl, method, params);
  const verifyByApi = async (docHash: Hex, r: unknown) =>
    (await portal.client().post('/api/verify', { docHash, receipt: r })).json<{
      verdict: string;
      code: string;
    }>();
  /** What a browser gets: core's checks, reading the chain through the portal's read-only proxy. */
  const verifyThroughProxy = (docHash: Hex, r: unknown) =>
    verifyDocument({
      docHash,
      receipt: r,
      reader: leanRegistryReader(`${portal.system.url}/rpc`),
      trust: { chainId: portal.system.conn.chainId, registry: portal.system.registry },
    });

  beforeAll(async () => {
    // Deep finality: the anchors made here stay "confirmed", so the engine keeps re-checking them.
    portal = await startTestPortal({ config: { finalityDepth: 1000 } });
    rootsSlot = portal.system.registryVersion === 2 ? 2n : 1n;
    nodeUrl = portal.system.conn.rpcUrl;
    const admin = await portal.admin();
    const doctor = await portal.doctor(admin, 'Dr Node');
    patient = await portal.patient('Kavya Iyer');
    receipt = (await issueAnchored(doctor, original)).receipt;
  }, 120_000);
  afterAll(() => portal?.stop());

  it('unlocked accounts: the node has none, and eth_sendTransaction as the portal’s admin or anchorer fails', async () => {
    expect((await node('eth_accounts')).body.result).toEqual([]);
    const revokeCall = `0x${'00'.repeat(4)}`;
    for (const from of [portal.system.admin!.address, portal.system.anchorer.address]) {
      const sent = await node('eth_sendTransaction', [
        { from, to: portal.system.registry, data: revokeCall },
      ]);
      expect(sent.body.error, JSON.stringify(sent.body)).toBeDefined();
      expect(sent.body.result).toBeUndefined();
    }
    expect((await verifyByApi(receipt.docHash, receipt)).verdict).toBe('VALID');
  });

  it('no secret in the node’s process: its command line and environment hold neither the mnemonic nor a key', () => {
    const pid = portal.system.embedded?.nodePid;
    expect(pid).toBeGreaterThan(0);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    const mnemonic = portal.system.secrets.devMnemonic;
    expect(cmdline).toContain('anvil');
    for (const text of [cmdline, environ]) {
      expect(text).not.toContain(mnemonic);
      expect(text).not.toContain(mnemonic.split(' ').slice(0, 3).join(' '));
    }
    expect(cmdline).not.toMatch(/--mnemonic|--private-key/);
  });

  it('cross-origin calls: the node sends no CORS headers; the portal’s /rpc refuses writes and anvil_* methods', async () => {
    const evil = { origin: 'https://evil.example' };
    const direct = await rawRpc(nodeUrl, 'eth_blockNumber', [], evil);
    expect(direct.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(nodeUrl, {
      method: 'OPTIONS',
      headers: {
        ...evil,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();

    const proxy = `${portal.system.url}/rpc`;
    const attempts: [string, unknown[]][] = [
      [
        'eth_sendTransaction',
        [{ from: portal.system.admin!.address, to: portal.system.registry, data: '0x' }],
      ],
      ['eth_sendRawTransaction', ['0x02']],
      ['eth_accounts', []],
      ['anvil_setStorageAt', [portal.system.registry, rootSlot(receipt.root, 0), `0x${'00'.repeat(32)}`]],
      ['anvil_reset', []],
      ['anvil_impersonateAccount', [portal.system.admin!.address]],
      ['evm_mine', []],
    ];
    for (const [method, params] of attempts) {
      // From another site's page the proxy answers nothing at all (a cross-site Origin is refused)...
      const fromPage = await rawRpc(proxy, method, params, evil);
      expect(fromPage.status, method).toBe(403);
      expect((fromPage.body as { error?: { code?: unknown } }).error?.code, method).toBe('CSRF_FAILED');
      expect(fromPage.headers.get('access-control-allow-origin'), method).toBeNull();
      // ...and to a local process, writes and node controls are not methods it knows.
      const local = await rawRpc(proxy, method, params);
      expect(local.body.error?.code, method).toBe(-32601);
    }
    // None of it reached the node: the document still verifies.
    expect((await verifyByApi(receipt.docHash, receipt)).verdict).toBe('VALID');
  });

  it('anvil_setStorageAt inserting a forged root: the forged document does not read VALID, by the portal or through /rpc', async () => {
    const registry = portal.system.registry;
    // The layout is what we think it is: the genuine root's record is in that slot.
    expect(
      BigInt(
        (await node('eth_getStorageAt', [registry, rootSlot(receipt.root, 0), 'latest'])).body
          .result as string,
      ),
    ).not.toBe(0n);

    const forgedFile = Buffer.from('%PDF-1.4\nFit for duty. No restrictions.\n%%EOF\n');
    const fields: LeafFields = {
      docHash: sha256(forgedFile),
      salt: toHex(randomBytes(32)),
      patientRef: toHex(randomBytes(32)),
      issuer: receipt.issuer, // a real doctor, who holds ISSUER_ROLE
      docType: 'certificate',
      issuedAt: Math.floor(Date.now() / 1000),
    };
    const leaf = computeLeaf(fields);
    const root = leaf; // a one-leaf tree
    const block = Number(BigInt((await node('eth_blockNumber')).body.result as string));
    const now = BigInt(Math.floor(Date.now() / 1000));
    const words: (readonly [0 | 1, Hex])[] =
      portal.system.registryVersion === 2
        ? [[0, toHex(now | (BigInt(block) << 64n) | (1n << 128n), { size: 32 })]]
        : [
            [0, toHex((now << 160n) | BigInt(portal.system.anchorer.address), { size: 32 })],
            [1, toHex((1n << 64n) | BigInt(block), { size: 32 })],
          ];
    for (const [w, value] of words) {
      const set = await node('anvil_setStorageAt', [registry, rootSlot(root, w), value]);
      expect(set.body.error, JSON.stringify(set.body)).toBeUndefined();
    }
    const reader = leanRegistryReader(nodeUrl);
    expect((await reader.rootInfo(registry, root)).anchoredAt).toBe(Number(now));

    const forged = (txHash: Hex, blockNumber: number) => ({
      ...receipt,
      ...fields,
      leaf,
      proof: [],
      root,
      txHash,
      blockNumber,
    });
    // The genuine anchoring transaction did not emit Anchored for this root; a made-up one does not
    // exist, and no transaction anchored the root in the block the registry names.
    for (const r of [forged(receipt.txHash, receipt.blockNumber), forged(toHex(randomBytes(32)), block)]) {
      const byApi = await verifyByApi(fields.docHash, r);
      const inBrowser = await verifyThroughProxy(fields.docHash, r);
      expect(byApi.verdict, JSON.stringify(byApi)).toBe('TAMPERED');
      expect(inBrowser.verdict, JSON.stringify(inBrowser.checks)).toBe('TAMPERED');
      expect(inBrowser.checks.find((c) => c.check === 'anchorTransaction')?.status).toBe('INVALID');
    }
  });

  it('anvil_setStorageAt wiping an anchored root: the finality re-check finds it gone and anchors the same root again', async () => {
    const registry = portal.system.registry;
    const reader = leanRegistryReader(nodeUrl);
    const before = await reader.rootInfo(registry, receipt.root);
    expect(before.anchoredAt).toBeGreaterThan(0);
    for (const w of [0, 1] as const)
      await node('anvil_setStorageAt', [registry, rootSlot(receipt.root, w), `0x${'00'.repeat(32)}`]);
    expect((await reader.rootInfo(registry, receipt.root)).anchoredAt).toBe(0);

    const deadline = Date.now() + 30_000;
    while ((await reader.rootInfo(registry, receipt.root)).anchoredAt === 0) {
      if (Date.now() > deadline) throw new Error('the wiped root was not anchored again');
      await new Promise((r) => setTimeout(r, 100));
    }
    const again = await reader.rootInfo(registry, receipt.root);
    expect(again.blockNumber).toBeGreaterThan(before.blockNumber);
    const batches = await batchesIn(portal.system.db.kysely, portal.system.conn.chainId, registry, [
      'confirmed',
      'final',
      'built',
      'sent',
      'mined',
    ]);
    expect(batches.find((b) => b.root === receipt.root.toLowerCase())?.reanchor_count).toBeGreaterThan(0);
    // The receipt handed out before still verifies: its transaction did anchor this root.
    expect((await verifyByApi(receipt.docHash, receipt)).verdict).toBe('VALID');
  });

  it('anvil_reset: anchoring stops with CHAIN_MISMATCH, /health says degraded, and nothing new is shown anchored', async () => {
    const doctor = await portal.doctor(await portal.admin(), 'Dr After Reset');
    const reset = await node('anvil_reset');
    expect(reset.body.error, JSON.stringify(reset.body)).toBeUndefined();
    expect((await node('eth_getCode', [portal.system.registry, 'latest'])).body.result).toBe('0x');

    const issued = await portal.issue(doctor, patient.user!.id, {
      filename: 'late.pdf',
      data: Buffer.from('%PDF-1.4\nlate\n%%EOF\n'),
    });
    expect(issued.status, issued.body).toBe(201);
    const id = issued.json<{ id: string }>().id;
    portal.system.engine.kick();

    const deadline = Date.now() + 30_000;
    let health = await portal.client().get('/health');
    while (portal.system.engine.pausedState?.code !== 'CHAIN_MISMATCH' || health.status !== 503) {
      if (Date.now() > deadline)
        throw new Error(
          `not paused: ${JSON.stringify(await portal.system.engine.status())}, /health ${health.body}`,
        );
      await new Promise((r) => setTimeout(r, 100));
      health = await portal.client().get('/health');
    }
    expect(health.json()).toMatchObject({ status: 'degraded', chain: 'down' });
    const doc = (await patient.get(`/api/documents/${id}`)).json<{ status: string }>();
    expect(doc.status).not.toBe('anchored');
    expect((await patient.get(`/api/documents/${id}/receipt`)).status).toBe(409);
  });
});
