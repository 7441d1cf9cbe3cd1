import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicClientFor } from '../../src/chain/clients.js';
import { openEmbeddedChain } from '../../src/chain/embedded/openEmbeddedChain.js';
import { freePort } from '../../src/chain/embedded/processes.js';
import { registryReader } from '../../src/chain/registry/registryReader.js';
import { loadSecrets } from '../../src/config/secrets.js';
import type { Receipt } from '../../src/core/receipt/receiptSchema.js';
import { verifyDocument } from '../../src/core/verify/verifyDocument.js';
import { startTestPortal, type Client, type TestPortal } from '../helpers/portal.js';
import { tmpDir } from '../helpers/tmp.js';

/**
 * A data folder from before registry v2 holds registry v1: the portal keeps anchoring into it and
 * hands out v1 receipts, which verify as before; disabling a doctor leaves v1's role alone (v1 has no
 * terms: revoking it would turn every earlier document into UNKNOWN_ISSUER).
 */
describe('a data folder with registry v1 keeps working', () => {
  const dir = tmpDir('medproof-v1-folder-');
  let portal: TestPortal;
  let admin: Client;

  beforeAll(async () => {
    // What an older medproof left behind: the embedded chain with a v1 registry (no institution).
    const old = await openEmbeddedChain({
      dataDir: dir.path,
      kind: 'anvil',
      mnemonic: loadSecrets(dir.path).devMnemonic,
      mode: 'serve',
      port: await freePort(),
    });
    expect(old.registryVersion).toBe(1);
    await old.close();
    portal = await startTestPortal({ dataDir: dir.path });
    admin = await portal.admin();
  }, 120_000);
  afterAll(async () => {
    await portal?.stop();
    dir.remove();
  });

  it('anchors into v1 and hands out v1 receipts that verify; a disabled doctor’s documents stay VALID', async () => {
    expect(portal.system.registryVersion).toBe(1);
    const doctor = await portal.doctor(admin, 'Dr Old');
    const patient = await portal.patient('Ravi Kumar');
    await portal.system.chainOps.drained();
    const r = await portal.issue(doctor, patient.patientNumber);
    expect(r.status, r.body).toBe(201);
    const id = r.json<{ id: string }>().id;
    await portal.waitAnchored(doctor, id);
    const receipt = (await doctor.get(`/api/documents/${id}/receipt`)).json<Receipt>();
    expect(receipt.version).toBe(1);
    const verify = () =>
      verifyDocument({
        docHash: receipt.docHash,
        receipt,
        reader: registryReader(publicClientFor(portal.system.conn.rpcUrl)),
        trust: { chainId: portal.system.conn.chainId, registry: portal.system.registry },
      });
    expect((await verify()).verdict).toBe('VALID');

    expect((await admin.post(`/api/users/${doctor.user!.id}/disable`)).status).toBe(204);
    await portal.system.chainOps.drained();
    expect((await portal.system.chainOps.status()).failed).toBe(0);
    expect((await verify()).verdict).toBe('VALID');
  });
});
