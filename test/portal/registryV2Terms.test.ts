import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { publicClientFor } from '../../src/chain/clients.js';
import { decodeRegistryError } from '../../src/chain/registry/decodeRegistryError.js';
import { registryReaderFor } from '../../src/chain/registry/registryReaderFor.js';
import { registryV2Abi } from '../../src/chain/registryV2Abi.js';
import type { ReceiptV2 } from '../../src/core/receipt/receiptV2Schema.js';
import { verifyDocument } from '../../src/core/verify/verifyDocument.js';
import { fundOnDevNode, type NodeKind } from '../helpers/chains.js';
import { PASSWORD, startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { anchorAgainDirectly } from '../helpers/registryV2.js';

/**
 * Registry v2 through the portal, as a verifier sees it: every verdict here comes from core's
 * verifyDocument against the chain with the receipt the portal handed out, never from the portal.
 */
describe.each<NodeKind>(['anvil', 'ganache'])('issuer terms through the portal on %s', (node) => {
  let portal: TestPortal;
  let admin: Client;
  let patient: Client & { patientNumber: string };

  beforeAll(async () => {
    portal = await startTestPortal({ node });
    admin = await portal.admin();
    patient = await portal.patient('Meera Joshi');
  }, 120_000);
  afterAll(() => portal?.stop());

  const reader = () => registryReaderFor(publicClientFor(portal.system.conn.rpcUrl), 2);
  const trust = () => ({ chainId: portal.system.conn.chainId, registry: portal.system.registry });
  const verify = (receipt: ReceiptV2) =>
    verifyDocument({ docHash: receipt.docHash, receipt, reader: reader(), trust: trust() });
  /** Moves the dev chain's clock on, so the next block is a later second than anything before. */
  const laterOnChain = async (seconds: number) => {
    await portal.system.conn.client.request({
      method: 'evm_increaseTime' as never,
      params: [seconds] as never,
    });
    await portal.system.conn.client.request({ method: 'evm_mine' as never, params: [] as never });
  };

  /** Issues one document as `doctor` and returns its id once the portal shows it anchored. */
  async function issued(doctor: Client): Promise<string> {
    const r = await portal.issue(doctor, patient.patientNumber);
    expect(r.status, r.body).toBe(201);
    const id = r.json<{ id: string }>().id;
    await portal.waitAnchored(doctor, id);
    return id;
  }
  const receiptOf = async (c: Client, id: string) => {
    const r = await c.get(`/api/documents/${id}/receipt`);
    expect(r.status, r.body).toBe(200);
    return r.json<ReceiptV2>();
  };

  it('deploys registry v2 for the configured institution and enrolls a new doctor with a salted profile', async () => {
    expect(portal.system.registryVersion).toBe(2);
    const doctor = await portal.doctor(admin, 'Dr. A. Deshpande');
    await portal.system.chainOps.drained();
    const receipt = await receiptOf(doctor, await issued(doctor));
    expect(receipt.version).toBe(2);
    expect(receipt.institution).toMatchObject({
      name: portal.system.config.institutionName,
      domain: portal.system.config.institutionDomain,
    });
    const v = await verify(receipt);
    expect(v.verdict, JSON.stringify(v.checks)).toBe('VALID');
    expect(v.issuerIdentity).toEqual({
      name: 'Dr. A. Deshpande',
      registrationNumber: receipt.issuerProfile.registrationNumber,
      council: 'NMC',
      institution: {
        name: portal.system.config.institutionName,
        domain: portal.system.config.institutionDomain,
      },
    });
  });

  it('a disabled doctor’s documents stay VALID, the last ones too; one anchored after the term reads ISSUER_NOT_ACTIVE; enabled again, new ones are VALID', async () => {
    const doctor = await portal.doctor(admin, 'Dr Retiring');
    const doctorId = doctor.user!.id;
    const before = await receiptOf(doctor, await issued(doctor));
    await laterOnChain(5);

    // Issued while the doctor is still active and not yet anchored when the account is disabled: the
    // term ends only once it is anchored, so it stays VALID.
    await portal.system.engine.stop();
    const late = await portal.issue(doctor, patient.patientNumber);
    expect(late.status, late.body).toBe(201);
    const lateId = late.json<{ id: string }>().id;
    expect((await admin.post(`/api/users/${doctorId}/disable`)).status).toBe(204);
    const retirement = () =>
      portal.system.db.kysely
        .selectFrom('chain_ops')
        .select(['status', 'last_error'])
        .where('kind', '=', 'retire_issuer')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
    for (let i = 0; i < 200 && !(await retirement()).last_error; i++) {
      portal.system.chainOps.kick();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await retirement()).toMatchObject({
      status: 'pending',
      last_error: expect.stringContaining('waiting for their accepted documents to be anchored'),
    });
    await portal.system.engine.start();
    await portal.system.engine.whenAnchored([late.json<{ leaf: Hex }>().leaf]);
    await portal.system.chainOps.drained();
    expect((await retirement()).status).toBe('done');
    expect((await verify(before)).verdict).toBe('VALID');
    const lateReceipt = await receiptOf(patient, lateId);
    const lateV = await verify(lateReceipt);
    expect(lateV.verdict).toBe('VALID');

    // One of the doctor's signed leaves anchored again after the term (by the anchorer key, as a
    // rogue portal could) reads ISSUER_NOT_ACTIVE in that root.
    await laterOnChain(5);
    const after = await verify(await anchorAgainDirectly(portal.system, before));
    expect(after).toMatchObject({ verdict: 'UNKNOWN_ISSUER', code: 'ISSUER_NOT_ACTIVE' });

    expect((await admin.post(`/api/users/${doctorId}/enable`)).status).toBe(204);
    await portal.system.chainOps.drained();
    await laterOnChain(1);
    const back = portal.client();
    expect((await back.login(doctor.user!.email, PASSWORD)).status).toBe(200);
    expect((await verify(await receiptOf(back, await issued(back)))).verdict).toBe('VALID');
    expect((await verify(before)).verdict).toBe('VALID');
  });

  it('a compromise point splits a doctor’s documents: before it VALID, from it ISSUER_COMPROMISED', async () => {
    const doctor = await portal.doctor(admin, 'Dr Leaked');
    const early = await receiptOf(doctor, await issued(doctor));
    await laterOnChain(10);
    const late = await receiptOf(doctor, await issued(doctor));
    const lateAt = (await reader().rootInfo(portal.system.registry, late.root)).anchoredAt;
    const earlyAt = (await reader().rootInfo(portal.system.registry, early.root)).anchoredAt;
    expect(lateAt).toBeGreaterThan(earlyAt);

    const r = await admin.post(`/api/doctors/${doctor.user!.id}/compromised`, { from: lateAt });
    expect(r.status, r.body).toBe(204);
    await portal.system.chainOps.drained();
    expect((await portal.system.chainOps.status()).failed).toBe(0);

    expect((await verify(early)).verdict).toBe('VALID');
    expect(await verify(late)).toMatchObject({ verdict: 'UNKNOWN_ISSUER', code: 'ISSUER_COMPROMISED' });
  });

  it('a superseded document names its successor; a document revoked before it was anchored is revoked once it is', async () => {
    const doctor = await portal.doctor(admin, 'Dr Correcting');
    const first = await issued(doctor);
    const second = await issued(doctor);
    const refused = await doctor.post(`/api/documents/${first}/revoke`, { reason: 'superseded' });
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'supersededBy' } });
    const r = await doctor.post(`/api/documents/${first}/revoke`, {
      reason: 'superseded',
      supersededBy: second,
    });
    expect(r.status, r.body).toBe(200);

    // Revoked at once, while its anchor is still to come: the chain operation waits for the proof.
    await portal.system.engine.stop();
    const pending = await portal.issue(doctor, patient.patientNumber);
    const pendingId = pending.json<{ id: string }>().id;
    expect(
      (await doctor.post(`/api/documents/${pendingId}/revoke`, { reason: 'issued-in-error' })).status,
    ).toBe(200);
    await portal.system.engine.start();
    await portal.system.chainOps.drained();

    const successor = await receiptOf(doctor, second);
    const v = await verify(await receiptOf(doctor, first));
    expect(v).toMatchObject({ verdict: 'REVOKED', code: 'SUPERSEDED' });
    expect(v.revocation?.supersededBy?.toLowerCase()).toBe(successor.leaf.toLowerCase());
    expect((await verify(successor)).verdict).toBe('VALID');
    expect(await verify(await receiptOf(doctor, pendingId))).toMatchObject({ verdict: 'REVOKED' });
    expect((await portal.system.chainOps.status()).failed).toBe(0);
  });

  it('revocation without a valid proof, or by another issuer, reverts; a rogue issuer cannot anchor or borrow a profile', async () => {
    const victim = await portal.doctor(admin, 'Dr Victim');
    const victimDoc = await issued(victim);
    const receipt = await receiptOf(victim, victimDoc);
    // A doctor who holds their own key, enrolled like any other.
    const rogue = privateKeyToAccount(generatePrivateKey());
    const created = await admin.post('/api/doctors', {
      email: `rogue.${randomBytes(3).toString('hex')}@hospital.test`,
      name: 'Dr Rogue',
      registrationNumber: 'MMC 2020/01/0001',
      council: 'MMC',
      password: PASSWORD,
      issuerAddress: rogue.address,
    });
    expect(created.status, created.body).toBe(201);
    await portal.system.chainOps.drained();
    await fundOnDevNode(portal.system.conn.rpcUrl, node, [rogue.address]);

    const fields = {
      docHash: receipt.docHash,
      salt: receipt.salt,
      patientRef: receipt.patientRef,
      issuer: receipt.issuer,
      docType: receipt.docType,
      issuedAt: BigInt(receipt.issuedAt),
    };
    const revertOf = async (
      account: typeof rogue | NonNullable<typeof portal.system.admin>,
      proof: Hex[],
    ) => {
      try {
        await portal.system.conn.client.simulateContract({
          address: portal.system.registry,
          abi: registryV2Abi,
          functionName: 'revoke',
          args: [fields, receipt.root, proof, 2, `0x${'00'.repeat(32)}`],
          account,
        });
        return 'accepted';
      } catch (error) {
        return decodeRegistryError(error)?.name ?? String(error);
      }
    };
    expect(await revertOf(rogue, receipt.proof)).toBe('NotAllowedToRevoke');
    expect(await revertOf(portal.system.admin!, [...receipt.proof, toHex(randomBytes(32))])).toBe(
      'InvalidProof',
    );
    expect(await revertOf(portal.system.admin!, receipt.proof)).toBe('accepted');
    // Through the portal another doctor's document is not even there to revoke.
    const other = await portal.doctor(admin, 'Dr Other');
    expect((await other.post(`/api/documents/${victimDoc}/revoke`, { reason: 2 })).status).toBe(404);

    // Issuers do not anchor in v2: the rogue's one-leaf root naming the victim never reaches the registry.
    let anchorRevert = 'accepted';
    try {
      await portal.system.conn.client.simulateContract({
        address: portal.system.registry,
        abi: registryV2Abi,
        functionName: 'anchor',
        args: [toHex(randomBytes(32)), 1],
        account: rogue,
      });
    } catch (error) {
      anchorRevert = decodeRegistryError(error)?.name ?? String(error);
    }
    expect(anchorRevert).toBe('AccessControlUnauthorizedAccount');
    // Nor can a receipt borrow another profile: the registry's commitment for the term does not match.
    const borrowed: ReceiptV2 = {
      ...receipt,
      issuerProfile: { ...receipt.issuerProfile, name: 'Dr Rogue', registrationNumber: 'MMC 2020/01/0001' },
    };
    const forged = await verify(borrowed);
    expect(forged.verdict).toBe('TAMPERED');
    expect(forged.checks.find((c) => c.check === 'issuerProfile')?.status).toBe('INVALID');
    expect(forged.issuerIdentity).toBeUndefined();
    expect((await verify(receipt)).verdict).toBe('VALID');
  });

  it('an anonymous hash-only lookup returns the receipt and nothing from the database that names the patient or the doctor', async () => {
    const doctor = await portal.doctor(admin, 'Dr Private');
    const id = await issued(doctor);
    const receipt = await receiptOf(doctor, id);
    const anyone = portal.client('192.0.2.44');
    const byHash = await anyone.post('/api/verify', { docHash: receipt.docHash });
    expect(byHash.status, byHash.body).toBe(200);
    const body = byHash.body;
    expect(body).not.toContain('Meera');
    expect(body).not.toContain(patient.patientNumber);
    expect(byHash.json()).not.toHaveProperty('issuerName');
    expect(byHash.json()).toMatchObject({ verdict: 'VALID', issuerIdentity: { name: 'Dr Private' } });
    const receipts = await anyone.get(`/api/receipts/by-hash/${receipt.docHash}`);
    expect(receipts.json()).toEqual({ receipts: [receipt] });
    expect(receipts.body).not.toContain('Meera');
  });
});
