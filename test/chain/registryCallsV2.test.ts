import { toFunctionSelector, type AbiFunction } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanRegistryReader } from '../../src/io/leanRegistryReader.js';
import { registryV2Reader } from '../../src/chain/registry/registryV2Reader.js';
import { registryV2Abi } from '../../src/chain/registryV2Abi.js';
import { profileCommitment } from '../../src/core/identity/profileCommitment.js';
import { SELECTORS_V2 } from '../../src/core/verify/registryCalls.js';
import { startTestChain, type TestChain } from '../helpers/chains.js';
import { deployRegistryV2, issueV2, profileFor, rand32, sendV2 } from '../helpers/registryV2.js';

const CITY = { name: 'City Hospital', domain: 'city-hospital.example', salt: rand32() };

/**
 * Registry v2's `check` encoded by hand (core's registryCalls: what the browser and the lean CLI reader
 * send) answers exactly what viem's ABI-driven reader decodes, on a real node.
 */
describe('registryCalls: registry v2 check by hand', () => {
  let chain: TestChain;
  beforeAll(async () => {
    chain = await startTestChain('anvil');
  }, 60_000);
  afterAll(() => chain?.destroy());

  it('uses the selector of check(bytes32,bytes32,address) in the v2 ABI', () => {
    const check = registryV2Abi.find((e) => e.type === 'function' && e.name === 'check') as AbiFunction;
    expect(SELECTORS_V2.check).toBe(toFunctionSelector(check));
  });

  it('decodes the same facts as viem for an anchored, revoked document and for an unknown root', async () => {
    const registry = await deployRegistryV2(chain, CITY);
    const doctor = chain.spare[0];
    const profile = profileFor('Dr. A. Deshpande', 'MMC 2011/04/1234', CITY);
    await sendV2(chain, chain.admin, registry, 'enrollIssuer', [
      doctor.address,
      profileCommitment(profile, profile.salt),
    ]);
    const [old, replacement] = await issueV2(chain, registry, CITY, [
      { issuer: doctor.address, profile },
      { issuer: doctor.address, profile },
    ]);
    const r = old!.receipt;
    await sendV2(chain, chain.admin, registry, 'revoke', [
      {
        docHash: r.docHash,
        salt: r.salt,
        patientRef: r.patientRef,
        issuer: r.issuer,
        docType: r.docType,
        issuedAt: BigInt(r.issuedAt),
      },
      r.root,
      r.proof,
      1,
      replacement!.receipt.leaf,
    ]);
    const lean = leanRegistryReader(chain.conn.rpcUrl);
    const viem = registryV2Reader(chain.conn.client);
    for (const [root, leaf] of [
      [r.root, r.leaf],
      [replacement!.receipt.root, replacement!.receipt.leaf],
      [rand32(), rand32()],
    ] as const) {
      const byHand = await lean.checkV2(registry, root, leaf, doctor.address);
      expect(byHand).toEqual(await viem.checkV2(registry, root, leaf, doctor.address));
    }
    const revoked = await lean.checkV2(registry, r.root, r.leaf, doctor.address);
    expect(revoked).toMatchObject({
      issuerStatus: 'ACTIVE',
      reason: 1,
      supersededBy: replacement!.receipt.leaf,
    });
    expect(revoked.revokedAt).toBeGreaterThan(0);
  });
});
