import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPortal, type TestPortal } from '../helpers/portal.js';

describe('the free-space floor under the file store', () => {
  let portal: TestPortal;

  beforeAll(async () => {
    // 100 TB: far above the free space of any disk this runs on.
    portal = await startTestPortal({ env: { MEDPROOF_MIN_FREE_MB: '100000000' } });
  });

  afterAll(async () => {
    await portal?.stop();
  });

  it('/health is degraded naming storage when free space is below MEDPROOF_MIN_FREE_MB', async () => {
    const r = await portal.client().get('/health');
    expect(r.status).toBe(503);
    expect(r.json()).toEqual({
      status: 'degraded',
      database: 'ok',
      chain: 'ok',
      storage: 'down',
      blobStore: 'file',
      leader: true,
    });
  });

  it('refuses uploads with 507 INSUFFICIENT_STORAGE before the disk is full, storing nothing', async () => {
    const admin = await portal.admin();
    const doctor = await portal.doctor(admin);
    const patient = await portal.patient();
    const r = await portal.issue(doctor, patient.patientNumber);
    expect(r.status, r.body).toBe(507);
    expect(r.json<{ error: { code: string } }>().error.code).toBe('INSUFFICIENT_STORAGE');
    expect((await patient.get('/api/documents')).json()).toEqual([]);
  });
});
