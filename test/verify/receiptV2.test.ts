import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import type { Account, Address } from 'viem';
import { mnemonicToAccount, type HDAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryV2Reader } from '../../src/chain/registry/registryV2Reader.js';
import type { Institution, IssuerProfile } from '../../src/core/identity/identitySchemas.js';
import { profileCommitment } from '../../src/core/identity/profileCommitment.js';
import type { TrustList } from '../../src/core/identity/trustListSchema.js';
import { leafValues } from '../../src/core/leaf/computeLeaf.js';
import { LEAF_TYPES } from '../../src/core/leaf/LeafFields.js';
import type { RegistryV2Reader, Verification } from '../../src/core/verify/types.js';
import { verifyDocument, type VerifyInput } from '../../src/core/verify/verifyDocument.js';
import { nodeTxtResolver } from '../../src/io/nodeTxtResolver.js';
import { startTestChain, type TestChain } from '../helpers/chains.js';
import {
  deployRegistryV2,
  issueV2,
  profileFor,
  rand32,
  sendV2,
  startTxtServer,
  type IssuedV2,
  type TxtServer,
} from '../helpers/registryV2.js';

const SUPERSEDED = 1;

const CITY: Institution = { name: 'City Hospital', domain: 'city-hospital.example', salt: rand32() };
const OTHER: Institution = { name: 'Other Clinic', domain: 'other-clinic.example', salt: rand32() };

describe('v2 receipts against registry v2 on anvil', () => {
  let chain: TestChain;
  let reader: RegistryV2Reader;
  let admin: HDAccount;
  let city: Address;
  let other: Address;
  let doctors: HDAccount[];
  let dns: TxtServer;

  const send = (account: Account, registry: Address, fn: string, args: readonly unknown[]) =>
    sendV2(chain, account, registry, fn, args);
  const deployV2 = (inst: Institution) => deployRegistryV2(chain, inst);
  const issue = (registry: Address, inst: Institution, docs: { issuer: Address; profile: IssuerProfile }[]) =>
    issueV2(chain, registry, inst, docs);

  const passTime = (seconds: number) =>
    chain.conn.client.request({ method: 'evm_increaseTime' as never, params: [seconds] as never });

  const verify = (d: IssuedV2, extra: Partial<VerifyInput> = {}): Promise<Verification> =>
    verifyDocument({
      docHash: d.docHash,
      receipt: d.receipt,
      reader,
      trust: { chainId: chain.conn.chainId, registry: city },
      ...extra,
    });
  const checkOf = (v: Verification, name: string) => v.checks.find((c) => c.check === name);

  beforeAll(async () => {
    chain = await startTestChain('anvil');
    admin = chain.admin;
    doctors = [4, 5, 6, 7].map((i) => mnemonicToAccount(chain.mnemonic, { addressIndex: i }));
    reader = registryV2Reader(chain.conn.client);
    city = await deployV2(CITY);
    other = await deployV2(OTHER);
    dns = await startTxtServer();
  });

  afterAll(async () => {
    await dns?.close();
    await chain?.destroy();
  });

  it('a v2 receipt verifies, naming its issuer; StandardMerkleTree agrees with its proof', async () => {
    const dr = doctors[0]!;
    const profile = profileFor('Dr. A. Deshpande', '2011/04/1234', CITY);
    await send(admin, city, 'enrollIssuer', [dr.address, profileCommitment(profile, profile.salt)]);
    const [doc] = await issue(city, CITY, [{ issuer: dr.address, profile }]);
    const v = await verify(doc!);
    expect(v).toMatchObject({ verdict: 'VALID', code: 'VALID' });
    expect(checkOf(v, 'issuerProfile')?.message).toBe('Dr. A. Deshpande (MMC 2011/04/1234), City Hospital');
    expect(v.issuerIdentity).toEqual({
      name: 'Dr. A. Deshpande',
      registrationNumber: '2011/04/1234',
      council: 'MMC',
      institution: { name: 'City Hospital', domain: 'city-hospital.example' },
    });
    expect(checkOf(v, 'institution')?.status).toBe('VALID');

    const r = doc!.receipt;
    expect(StandardMerkleTree.verify(r.root, [...LEAF_TYPES], leafValues(r), r.proof)).toBe(true);
    // And a leaf of the same fields with another issuer does not pass with that proof.
    const forged = leafValues({ ...r, issuer: doctors[3]!.address });
    expect(StandardMerkleTree.verify(r.root, [...LEAF_TYPES], forged, r.proof)).toBe(false);
  });

  it('a retired doctor’s earlier documents stay VALID; one anchored after retirement is ISSUER_NOT_ACTIVE', async () => {
    const dr = doctors[1]!;
    const profile = profileFor('Dr. R. Iyer', '1998/02/0042', CITY);
    await send(admin, city, 'enrollIssuer', [dr.address, profileCommitment(profile, profile.salt)]);
    const [before] = await issue(city, CITY, [{ issuer: dr.address, profile }]);
    await passTime(60);
    await send(admin, city, 'retireIssuer', [dr.address]);
    await passTime(60);
    const [after] = await issue(city, CITY, [{ issuer: dr.address, profile }]);

    expect((await verify(before!)).verdict).toBe('VALID');
    const late = await verify(after!);
    expect(late).toMatchObject({ verdict: 'UNKNOWN_ISSUER', code: 'ISSUER_NOT_ACTIVE' });
    expect(checkOf(late, 'issuerTerm')).toMatchObject({ status: 'INVALID', code: 'ISSUER_NOT_ACTIVE' });
    expect(late.issuerIdentity).toBeUndefined();
  });

  it('a compromise point splits a doctor’s documents in two', async () => {
    const dr = doctors[2]!;
    const profile = profileFor('Dr. S. Rao', '2005/07/0777', CITY);
    await send(admin, city, 'enrollIssuer', [dr.address, profileCommitment(profile, profile.salt)]);
    const [early] = await issue(city, CITY, [{ issuer: dr.address, profile }]);
    await passTime(120);
    const [stolen] = await issue(city, CITY, [{ issuer: dr.address, profile }]);
    const stolenAt = (await verify(stolen!)).anchor!.anchoredAt;
    expect(stolenAt).toBeGreaterThan((await verify(early!)).anchor!.anchoredAt);
    await send(admin, city, 'markCompromised', [dr.address, BigInt(stolenAt)]);

    expect((await verify(early!)).verdict).toBe('VALID');
    const v = await verify(stolen!);
    expect(v).toMatchObject({ verdict: 'UNKNOWN_ISSUER', code: 'ISSUER_COMPROMISED' });
  });

  it('a superseded document names its successor (verdict REVOKED, code SUPERSEDED)', async () => {
    const dr = doctors[0]!;
    const profile = profileFor('Dr. A. Deshpande', '2011/04/1234', CITY);
    await send(admin, city, 'renewIssuer', [dr.address, profileCommitment(profile, profile.salt)]);
    const [old] = await issue(city, CITY, [{ issuer: dr.address, profile }]);
    const [fresh] = await issue(city, CITY, [{ issuer: dr.address, profile }]);
    const o = old!.receipt;
    await send(admin, city, 'revoke', [
      { ...o, issuedAt: BigInt(o.issuedAt) },
      o.root,
      o.proof,
      SUPERSEDED,
      fresh!.receipt.leaf,
    ]);
    const v = await verify(old!);
    expect(v).toMatchObject({ verdict: 'REVOKED', code: 'SUPERSEDED' });
    expect(v.message).toContain('superseded by a newer version');
    expect(v.message).toContain(fresh!.receipt.leaf);
    expect(v.revocation).toMatchObject({ reasonName: 'superseded', supersededBy: fresh!.receipt.leaf });
    expect((await verify(fresh!)).verdict).toBe('VALID');
  });

  it('an edited issuer profile or institution reads TAMPERED', async () => {
    const dr = doctors[1]!;
    const profile = profileFor('Dr. M. Kulkarni', '2015/01/0101', CITY);
    await send(admin, city, 'enrollIssuer', [doctors[3]!.address, profileCommitment(profile, profile.salt)]);
    const [doc] = await issue(city, CITY, [{ issuer: doctors[3]!.address, profile }]);
    expect(dr.address).not.toBe(doctors[3]!.address);
    const r = doc!.receipt;
    const promoted = await verify({
      ...doc!,
      receipt: { ...r, issuerProfile: { ...r.issuerProfile, name: 'Prof. M. Kulkarni' } },
    });
    expect(promoted).toMatchObject({ verdict: 'TAMPERED', code: 'TAMPERED' });
    expect(checkOf(promoted, 'issuerProfile')?.status).toBe('INVALID');
    expect(promoted.issuerIdentity).toBeUndefined();
    const moved = await verify({
      ...doc!,
      receipt: { ...r, institution: { ...r.institution, domain: 'city-hospita1.example' } },
    });
    expect(moved).toMatchObject({ verdict: 'TAMPERED' });
    expect(checkOf(moved, 'institution')).toMatchObject({ status: 'INVALID', code: 'TAMPERED' });
  });

  it('a forgery by a rogue key (never enrolled, anchored through the anchorer) reads UNKNOWN_ISSUER', async () => {
    const rogue = mnemonicToAccount(chain.mnemonic, { addressIndex: 9 });
    const profile = profileFor('Dr. A. Deshpande', '2011/04/1234', CITY);
    const [doc] = await issue(city, CITY, [{ issuer: rogue.address, profile }]);
    const v = await verify(doc!);
    expect(v).toMatchObject({ verdict: 'UNKNOWN_ISSUER', code: 'UNKNOWN_ISSUER' });
    expect(checkOf(v, 'issuerProfile')?.status).toBe('SKIPPED');
  });

  describe('trust: configured registry, trust list, DNS', () => {
    let atCity: IssuedV2;
    let atOther: IssuedV2;
    let stranger: IssuedV2;
    const STRANGER: Institution = { name: 'City Hospital', domain: 'city-hospital.example', salt: rand32() };

    beforeAll(async () => {
      const p1 = profileFor('Dr. A. Deshpande', '2011/04/1234', CITY);
      const p2 = profileFor('Dr. N. Shah', '2019/03/0303', OTHER);
      const p3 = profileFor('Dr. A. Deshpande', '2011/04/1234', STRANGER);
      await send(admin, other, 'enrollIssuer', [doctors[1]!.address, profileCommitment(p2, p2.salt)]);
      // Anyone can deploy a registry naming any institution and enrol themselves in it.
      const rogueRegistry = await deployV2(STRANGER);
      await send(admin, rogueRegistry, 'enrollIssuer', [doctors[0]!.address, profileCommitment(p3, p3.salt)]);
      await send(admin, city, 'renewIssuer', [doctors[0]!.address, profileCommitment(p1, p1.salt)]);
      atCity = (await issue(city, CITY, [{ issuer: doctors[0]!.address, profile: p1 }]))[0]!;
      atOther = (await issue(other, OTHER, [{ issuer: doctors[1]!.address, profile: p2 }]))[0]!;
      stranger = (await issue(rogueRegistry, STRANGER, [{ issuer: doctors[0]!.address, profile: p3 }]))[0]!;
      const record = (registry: Address) => [
        [`medproof chain=${chain.conn.chainId} `, `registry=${registry}`],
      ];
      dns.records.set('city-hospital.example', [['v=spf1 -all'], ...record(city)]);
      dns.records.set('other-clinic.example', record(rogueRegistry));
    });

    it('a trust list with two registries trusts both, and nothing else', async () => {
      const list: TrustList = {
        version: 1,
        name: 'State health department',
        registries: [
          {
            chainId: chain.conn.chainId,
            registry: city,
            institution: { name: CITY.name, domain: CITY.domain },
          },
          {
            chainId: chain.conn.chainId,
            registry: other,
            institution: { name: OTHER.name, domain: OTHER.domain },
          },
        ],
      };
      const trust = { chainId: chain.conn.chainId };
      for (const d of [atCity, atOther]) {
        const v = await verify(d, { trust, trustList: list });
        expect(v.verdict, v.message).toBe('VALID');
        expect(checkOf(v, 'registry')?.message).toContain('State health department');
      }
      const v = await verify(stranger, { trust, trustList: list });
      expect(v).toMatchObject({ verdict: 'UNKNOWN_ISSUER', code: 'UNTRUSTED_REGISTRY' });
      // With no trust source at all, the receipt's registry is taken as it is (as for v1), and said so.
      const none = await verify(stranger, { trust: {} });
      expect(none.verdict).toBe('VALID');
      expect(checkOf(none, 'registry')?.status).toBe('SKIPPED');
    });

    it('DNS TXT on the institution’s domain: valid, mismatched, missing, unreachable', async () => {
      const resolver = nodeTxtResolver(dns.address);
      const trust = { chainId: chain.conn.chainId };
      const valid = await verify(atCity, { trust, txt: resolver });
      expect(valid.verdict, valid.message).toBe('VALID');
      expect(checkOf(valid, 'institutionDomain')).toMatchObject({
        status: 'VALID',
        message: 'city-hospital.example (DNS-verified)',
      });

      // The look-alike registry claims City Hospital's domain, whose DNS names another registry.
      const mismatch = await verify(stranger, { trust, txt: resolver });
      expect(checkOf(mismatch, 'institutionDomain')).toMatchObject({
        status: 'INVALID',
        code: 'DNS_MISMATCH',
      });
      expect(mismatch).toMatchObject({ verdict: 'UNKNOWN_ISSUER', code: 'UNTRUSTED_REGISTRY' });

      dns.records.delete('other-clinic.example');
      const missing = await verify(atOther, { trust, txt: resolver });
      expect(checkOf(missing, 'institutionDomain')).toMatchObject({
        status: 'INVALID',
        code: 'DNS_NOT_FOUND',
      });
      expect(missing).toMatchObject({ verdict: 'UNKNOWN_ISSUER', code: 'UNTRUSTED_REGISTRY' });
      // The configured registry still decides when DNS says nothing: DNS is one source, not a veto.
      const configured = await verify(atOther, { trust: { ...trust, registry: other }, txt: resolver });
      expect(configured.verdict).toBe('VALID');

      const down: IssuedV2 = {
        ...atOther,
        receipt: { ...atOther.receipt, institution: { ...OTHER, domain: 'down.example' } },
      };
      // The institution check fails first (the commitment names other-clinic.example): TAMPERED beats all.
      expect((await verify(down, { trust, txt: resolver })).verdict).toBe('TAMPERED');
      const downResolver = { resolveTxt: () => resolver.resolveTxt('down.example') };
      const unreachable = await verify(atOther, { trust, txt: downResolver });
      expect(checkOf(unreachable, 'institutionDomain')).toMatchObject({
        status: 'ERROR',
        code: 'DNS_UNREACHABLE',
      });
      expect(unreachable).toMatchObject({ verdict: 'ERROR', code: 'DNS_UNREACHABLE' });
    });
  });
});
