import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentPatientRef } from '../../src/core/patientId/documentPatientRef.js';
import { parsePatientId } from '../../src/core/patientId/parsePatientId.js';
import { patientRef } from '../../src/core/patientId/patientRef.js';
import { startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';

describe('the patient reference in receipts', () => {
  let portal: TestPortal;
  let issuer: Client;
  let patient: Client & { patientNumber: string };

  beforeAll(async () => {
    portal = await startTestPortal({});
    issuer = await portal.doctor(await portal.admin());
    patient = await portal.patient();
  }, 120_000);
  afterAll(() => portal?.stop());

  it('differs per document (receipts of one patient cannot be linked), yet the institution can confirm it', async () => {
    const receipts: { patientRef: Hex; salt: Hex }[] = [];
    for (let i = 0; i < 2; i++) {
      const id = (await portal.issue(issuer, patient.user!.id)).json<{ id: string }>().id;
      await portal.waitAnchored(patient, id);
      receipts.push((await patient.get(`/api/documents/${id}/receipt`)).json());
    }
    const [a, b] = receipts as [(typeof receipts)[0], (typeof receipts)[0]];
    expect(a.patientRef).not.toBe(b.patientRef);
    const secret = portal.system.secrets.patientRefSecret;
    const id = parsePatientId(patient.patientNumber);
    if (!id.ok) throw new Error(id.message);
    // Neither is the patient's stable reference, which would link every document of theirs.
    expect([a.patientRef, b.patientRef]).not.toContain(patientRef(secret, id.value));
    for (const r of receipts) expect(documentPatientRef(secret, id.value, r.salt)).toBe(r.patientRef);
  });
});
