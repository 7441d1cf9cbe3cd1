import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestPortal, type TestPortal } from '../helpers/portal.js';
import { spawnCli } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp.js';

describe('stored data integrity', () => {
  const dir = tmpDir('medproof-integrity-');
  let portal: TestPortal;
  afterAll(async () => {
    await portal?.stop();
    dir.remove();
  });

  const blobPath = (key: string) => join(dir.path, 'blobs', key.slice(0, 2), key);

  it('a flipped byte in a stored file fails closed: generic 500, no bytes served, INTEGRITY_FAILURE audited', async () => {
    portal = await startTestPortal({ dataDir: dir.path });
    const admin = await portal.admin();
    const doctor = await portal.doctor(admin);
    const patient = await portal.patient();
    const id = (
      await portal.issue(doctor, patient.user!.id, { data: `%PDF-1.4\n${'x'.repeat(300_000)}` })
    ).json<{ id: string }>().id;
    expect((await patient.get(`/api/documents/${id}/content`)).status).toBe(200);

    const { blob_key } = await portal.system.db.kysely
      .selectFrom('documents')
      .select('blob_key')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const bytes = readFileSync(blobPath(blob_key!));
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0x01; // in the second chunk: the first would verify
    writeFileSync(blobPath(blob_key!), bytes);

    const r = await patient.get(`/api/documents/${id}/content`);
    expect(r.status).toBe(500);
    expect(r.json()).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'internal error', correlationId: expect.any(String) },
    });
    expect(r.body).not.toContain('xxxx');
    const log = (await admin.get('/api/audit?limit=50')).json<
      { action: string; outcome: string; document: { id: string } | null }[]
    >();
    expect(log.find((e) => e.action === 'document.integrity-failure')).toMatchObject({
      outcome: 'failure',
      document: { id },
    });
    // The server keeps serving.
    expect((await patient.get('/api/me')).status).toBe(200);
  });

  it('a document whose file is gone answers 404 FILE_MISSING (and alerts)', async () => {
    const doctor = await portal.doctor(await portal.admin());
    const patient = await portal.patient();
    const id = (await portal.issue(doctor, patient.user!.id)).json<{ id: string }>().id;
    const { blob_key } = await portal.system.db.kysely
      .selectFrom('documents')
      .select('blob_key')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    rmSync(blobPath(blob_key!));
    const r = await patient.get(`/api/documents/${id}/content`);
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({ error: { code: 'FILE_MISSING' } });
  });

  it('at restart, files no document points to (a crash between file and row) and temp files are removed', async () => {
    const orphan = randomUUID();
    mkdirSync(join(dir.path, 'blobs', orphan.slice(0, 2)), { recursive: true });
    writeFileSync(blobPath(orphan), 'left by a crash');
    writeFileSync(join(dir.path, 'blobs', 'tmp', randomUUID()), 'half an upload');
    const kept = (await portal.system.db.kysely.selectFrom('documents').select('blob_key').execute())
      .map((d) => d.blob_key!)
      .filter((k) => existsSync(blobPath(k)));
    await portal.stop();
    portal = await startTestPortal({ dataDir: dir.path });
    expect(existsSync(blobPath(orphan))).toBe(false);
    expect(existsSync(join(dir.path, 'blobs', 'tmp'))).toBe(true);
    expect(
      readFileSync(join(dir.path, 'blobs', 'tmp', '..', kept[0]!.slice(0, 2), kept[0]!)).length,
    ).toBeGreaterThan(0);
  });

  it('an edited audit row breaks the hash chain, and `medproof audit verify` names it', async () => {
    const admin = portal.client();
    await admin.login('admin@hospital.test', 'correct horse battery staple');
    expect((await admin.get('/api/audit/verify')).json()).toMatchObject({ ok: true });
    const k = portal.system.db.kysely;
    const victim = await k
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'document.downloaded')
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    await k.updateTable('audit_log').set({ ip: '10.6.6.6' }).where('seq', '=', victim.seq).execute();
    expect((await admin.get('/api/audit/verify')).json()).toEqual({
      ok: false,
      rows: Number(victim.seq) - 1,
      firstBroken: { seq: Number(victim.seq), reason: 'contents were changed' },
    });
    await portal.stop();
    const cli = spawnCli(['audit', 'verify', '--data-dir', dir.path]);
    expect(await cli.exited).toBe(1);
    expect(cli.stdout()).toContain(`row ${victim.seq}`);
    portal = await startTestPortal({ dataDir: dir.path });
  });
});
