import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toEventSelector, toFunctionSelector, toHex, type AbiEvent, type AbiFunction } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANCHORED_TOPIC, SELECTORS, SELECTORS_V2 } from '../../src/core/verify/registryCalls.js';
import { leanRegistryReader } from '../../src/io/leanRegistryReader.js';
import { registryReader } from '../../src/chain/registry/registryReader.js';
import { registryV2Reader } from '../../src/chain/registry/registryV2Reader.js';
import { registryV2Abi } from '../../src/chain/registryV2Abi.js';
import { profileCommitment } from '../../src/core/identity/profileCommitment.js';
import { deployRegistryV2, issueV2, profileFor, sendV2 } from '../helpers/registryV2.js';
import { sendRegistryTx } from '../../src/chain/registry/sendRegistryTx.js';
import { registryAbi } from '../../src/chain/registryAbi.js';
import { startTestChain, type TestChain } from '../helpers/chains.js';

describe('leanRegistryReader', () => {
  it('uses the selectors and the Anchored topic of the registry ABI', () => {
    const fn = (name: string) =>
      registryAbi.find((e) => e.type === 'function' && e.name === name) as AbiFunction;
    for (const name of ['rootInfo', 'revocation', 'isIssuer'] as const)
      expect(SELECTORS[name]).toBe(toFunctionSelector(fn(name)));
    const anchored = registryAbi.find((e) => e.type === 'event' && e.name === 'Anchored') as AbiEvent;
    expect(ANCHORED_TOPIC).toBe(toEventSelector(anchored));
    const check = registryV2Abi.find((e) => e.type === 'function' && e.name === 'check') as AbiFunction;
    expect(SELECTORS_V2.check).toBe(toFunctionSelector(check));
  });

  describe('on anvil, against the viem reader', () => {
    let chain: TestChain;
    const root = toHex(randomBytes(32));
    const revoked = toHex(randomBytes(32));
    let txHash: `0x${string}`;

    beforeAll(async () => {
      chain = await startTestChain('anvil');
      txHash = (await sendRegistryTx(chain.conn, chain.anchorer, chain.registry, 'anchor', [root, 7]))
        .transactionHash;
      await sendRegistryTx(chain.conn, chain.admin, chain.registry, 'revoke', [revoked, 3]);
    }, 60_000);
    afterAll(() => chain?.destroy());

    it('reads the same chain id, roots, revocations and issuers', async () => {
      const lean = leanRegistryReader(chain.conn.rpcUrl);
      const viem = registryReader(chain.conn.client);
      const unknown = toHex(randomBytes(32));
      const outsider = chain.spare[0].address;
      const [a = [], b] = await Promise.all(
        [lean, viem].map((r) =>
          Promise.all([
            r.chainId(),
            r.rootInfo(chain.registry, root),
            r.rootInfo(chain.registry, unknown),
            r.revocation(chain.registry, revoked),
            r.revocation(chain.registry, unknown),
            r.isIssuer(chain.registry, chain.admin.address),
            r.isIssuer(chain.registry, outsider),
          ]),
        ),
      );
      expect(a).toEqual(b);
      // Not vacuous: the anchored root, the revocation and the issuer are there.
      expect(a[1]).toMatchObject({ anchorer: chain.anchorer.address, leafCount: 7 });
      expect(a[3]).toMatchObject({ reason: 3 });
      expect(a[5]).toBe(true);
      expect(a[6]).toBe(false);
    });

    it('finds the Anchored event of a root in its transaction, and only there', async () => {
      const lean = leanRegistryReader(chain.conn.rpcUrl);
      const block = await chain.conn.client.getTransactionReceipt({ hash: txHash });
      const blockNumber = Number(block.blockNumber);
      expect(await lean.anchorEvent(chain.registry, txHash, root)).toEqual({
        txFound: true,
        found: true,
        blockNumber,
      });
      expect(await lean.anchorEvent(chain.registry, txHash, revoked)).toEqual({
        txFound: true,
        found: false,
        blockNumber,
      });
      expect(await lean.anchorEvent(chain.spare[0].address, txHash, root)).toEqual({
        txFound: true,
        found: false,
        blockNumber,
      });
      expect(await lean.anchorEvent(chain.registry, toHex(randomBytes(32)), root)).toEqual({
        txFound: false,
        found: false,
      });
    });

    it("reads registry v2's check exactly as viem decodes it", async () => {
      const inst = { name: 'City Hospital', domain: 'city-hospital.example', salt: toHex(randomBytes(32)) };
      const v2 = await deployRegistryV2(chain, inst);
      const doctor = chain.spare[0].address;
      const profile = profileFor('Dr. A. Deshpande', 'MMC 2011/04/1234', inst);
      await sendV2(chain, chain.admin, v2, 'enrollIssuer', [
        doctor,
        profileCommitment(profile, profile.salt),
      ]);
      const [issued] = await issueV2(chain, v2, inst, [{ issuer: doctor, profile }]);
      const r = issued!.receipt;
      const lean = leanRegistryReader(chain.conn.rpcUrl);
      const viem = registryV2Reader(chain.conn.client);
      const ask = (reader: typeof lean | typeof viem) =>
        Promise.all([
          reader.checkV2(v2, r.root, r.leaf, r.issuer),
          reader.checkV2(v2, toHex(randomBytes(32)), r.leaf, r.issuer),
          reader.checkV2(v2, r.root, r.leaf, chain.spare[1].address),
        ]);
      const [a, b] = await Promise.all([ask(lean), ask(viem)]);
      expect(a).toEqual(b);
      // Not vacuous: the anchored root under an active term, an unknown root, an unknown issuer;
      // issueV2 anchors the document with two filler leaves.
      expect(a[0]).toMatchObject({ issuerStatus: 'ACTIVE', leafCount: 3 });
      expect(a[0].anchoredAt).toBeGreaterThan(0);
      expect(a[0].profile).toBe(profileCommitment(profile, profile.salt));
      expect(a[1]).toMatchObject({ anchoredAt: 0, issuerStatus: 'UNKNOWN' });
      expect(a[2]).toMatchObject({ issuerStatus: 'UNKNOWN' });
    });

    it('says a registry address with no contract returned no data', async () => {
      const lean = leanRegistryReader(chain.conn.rpcUrl);
      await expect(lean.rootInfo(chain.spare[1].address, root)).rejects.toThrow(/returned no data/);
    });
  });

  it('sends calls made together as one batch request', async () => {
    const bodies: unknown[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(text) as { id: number }[];
        bodies.push(body);
        res.end(JSON.stringify(body.map((r) => ({ jsonrpc: '2.0', id: r.id, result: '0x7a69' }))));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const call = leanRegistryReader(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const reg = `0x${'11'.repeat(20)}` as const;
      const results = await Promise.allSettled([call.chainId(), call.isIssuer(reg, reg)]);
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toHaveLength(2);
      expect(results[0]).toEqual({ status: 'fulfilled', value: 31337 });
    } finally {
      server.close();
    }
  });

  it('rejects each call, never throws, for an unreachable or unusable endpoint', async () => {
    await expect(leanRegistryReader('http://127.0.0.1:1').chainId()).rejects.toThrow(/ECONNREFUSED/);
    await expect(leanRegistryReader('ws://127.0.0.1:1').chainId()).rejects.toThrow(/not an http/);
  });
});
