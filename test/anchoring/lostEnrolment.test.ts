import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hex } from 'viem';
import { publicClientFor } from '../../src/chain/clients.js';
import { registryReaderFor } from '../../src/chain/registry/registryReaderFor.js';
import type { ReceiptV2 } from '../../src/core/receipt/receiptV2Schema.js';
import { verifyDocument } from '../../src/core/verify/verifyDocument.js';
import { startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';

/**
 * A dev node restarted from an older state file forgets the last registry changes: here a doctor's
 * enrolment (and the profile renewal that added their passkey). When the engine starts again it must
 * queue those changes again before it anchors the doctor's new document; anchored first, the document
 * would be judged against terms the chain does not have, for good (UNKNOWN_ISSUER, or TAMPERED against
 * an older profile).
 */
describe('a doctor’s enrolment the chain lost, found when the anchoring engine starts again', () => {
  let portal: TestPortal;
  let admin: Client;
  let patient: Client & { patientNumber: string };
  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const answer: unknown = await portal.system.conn.client.request({
      method: method as never,
      params: params as never,
    });
    return answer as T;
  };

  beforeAll(async () => {
    portal = await startTestPortal();
    admin = await portal.admin();
    patient = await portal.patient();
  }, 120_000);
  afterAll(() => portal?.stop());

  it('holds the doctor’s documents until the enrolment is applied again: they verify VALID', async () => {
    await portal.system.chainOps.drained();
    const snapshot = await rpc<Hex>('evm_snapshot');
    const doctor = await portal.doctor(admin, 'Dr. R. Kulkarni');
    await portal.system.chainOps.drained();

    await portal.system.engine.stop();
    await rpc('evm_revert', [snapshot]);
    const issued = await portal.issue(doctor, patient.patientNumber);
    expect(issued.status, issued.body).toBe(201);
    const id = issued.json<{ id: string }>().id;
    await portal.system.engine.start();
    await portal.waitAnchored(doctor, id);

    const r = await doctor.get(`/api/documents/${id}/receipt`);
    expect(r.status, r.body).toBe(200);
    const receipt = r.json<ReceiptV2>();
    const result = await verifyDocument({
      docHash: receipt.docHash,
      receipt,
      reader: registryReaderFor(publicClientFor(portal.system.conn.rpcUrl), 2),
      trust: { chainId: portal.system.conn.chainId, registry: portal.system.registry },
    });
    expect(result.checks.find((c) => c.check === 'issuerTerm')?.code).toBe('VALID');
    expect(result.checks.find((c) => c.check === 'issuerProfile')?.code).toBe('VALID');
    expect(result.verdict).toBe('VALID');
  });
});
