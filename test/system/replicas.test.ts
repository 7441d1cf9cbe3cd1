import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import { bytesToHex, type Address } from 'viem';
import { english, generateMnemonic, mnemonicToAccount } from 'viem/accounts';
import { afterAll, describe, expect, it } from 'vitest';
import { publicClientFor } from '../../src/chain/clients.js';
import { freePort } from '../../src/chain/embedded/processes.js';
import { launchAnvil } from '../../src/chain/nodes/launchAnvil.js';
import type { EmbeddedNode } from '../../src/chain/nodes/EmbeddedNode.js';
import { registryAbi } from '../../src/chain/registryAbi.js';
import { createPgDatabase } from '../helpers/databases.js';
import { Http, issueForm, seedPortal } from '../helpers/http.js';
import { startNginx, type RunningNginx } from '../helpers/nginx.js';
import { nextAadhaar, PASSWORD } from '../helpers/portal.js';
import { gone, spawnCli, type Spawned } from '../helpers/processes.js';
import { S3BlobStore } from '../../src/store/blobs/S3BlobStore.js';
import { S3_CREDENTIALS, startS3 } from '../helpers/s3Server.js';
import { tmpDir } from '../helpers/tmp.js';

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_')));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DOCTORS = 3;
// Small: the whole scenario runs twice (S3 and the shared folder); enough to be mid-anchoring at the kill.
const UPLOADS_PER_DOCTOR = 8;
const SHARE_VIEWS = 3;
const SHARE_ATTEMPTS = 8;

async function rpc(url: string, method: string, params: unknown[]): Promise<void> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await r.json()) as { error?: unknown };
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
}

/** One POST through nginx from a chosen loopback address (the client address nginx reports). */
function postFrom(
  localAddress: string,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** The blob store the replicas share: an S3 server, or one folder (a shared mount at each data folder's blobs/). */
const BLOB_STORES = ['s3', 'file'] as const;

describe.each(BLOB_STORES)('three replicas on one PostgreSQL behind nginx, blobs on %s', (blobStore) => {
  const dir = tmpDir('medproof-replicas-');
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    dir.remove();
  });

  it('share sessions, limits and one writer; a leader killed with kill -9 mid-anchoring is replaced and nothing is lost or anchored twice', async () => {
    // The chain: "someone else's" anvil, mining a block a second so batches are in flight for a while.
    const mnemonic = generateMnemonic(english);
    const node: EmbeddedNode = await launchAnvil({
      stateDir: join(dir.path, 'node'),
      port: await freePort(),
      chainId: 31337,
    });
    cleanups.push(() => node.stop());
    const adminAccount = mnemonicToAccount(mnemonic, { addressIndex: 0 });
    const engineAccount = mnemonicToAccount(mnemonic, { addressIndex: 1 });
    for (const a of [adminAccount, engineAccount])
      await rpc(node.rpcUrl, 'anvil_setBalance', [a.address, '0xd3c21bcecceda1000000']);
    const key = bytesToHex(adminAccount.getHdKey().privateKey!);
    const anchorKey = bytesToHex(engineAccount.getHdKey().privateKey!);
    // The secrets every replica shares; the deploy is given them too, as registry v2 commits to the
    // institution salted with them.
    const secretsFile = join(dir.path, 'shared-secrets.json');
    writeFileSync(
      secretsFile,
      JSON.stringify({
        patientRefSecret: randomBytes(32).toString('hex'),
        masterKey: randomBytes(32).toString('hex'),
      }),
      { mode: 0o600 },
    );
    const deployDir = join(dir.path, 'deploy');
    const deploy = spawnCli(['deploy', '--json', '--data-dir', deployDir], {
      env: { ...env, MEDPROOF_RPC_URL: node.rpcUrl, MEDPROOF_KEY: key, MEDPROOF_SECRETS_FILE: secretsFile },
    });
    expect(await deploy.exited, deploy.stderr()).toBe(0);
    const { registry } = JSON.parse(deploy.stdout()) as { registry: Address };
    const chainEnv = { MEDPROOF_RPC_URL: node.rpcUrl, MEDPROOF_REGISTRY: registry, MEDPROOF_KEY: key };
    const grant = spawnCli(['grant', 'anchorer', engineAccount.address, '--data-dir', deployDir], {
      env: { ...env, ...chainEnv },
    });
    expect(await grant.exited, grant.stderr()).toBe(0);
    await rpc(node.rpcUrl, 'evm_setIntervalMining', [1]);

    // The database; every replica its own data folder.
    const database = await createPgDatabase();
    cleanups.push(() => database.drop());
    const sql = new pg.Client({ connectionString: database.url });
    const sharedBlobs = join(dir.path, 'shared-blobs');
    mkdirSync(sharedBlobs);
    const s3 = blobStore === 's3' ? await startS3() : undefined;
    if (s3) cleanups.push(() => s3.close());
    const ports = [await freePort(), await freePort(), await freePort()];
    const nginxPort = await freePort();
    const replicaEnv = {
      ...env,
      ...chainEnv,
      MEDPROOF_ANCHOR_KEY: anchorKey,
      MEDPROOF_DATABASE_URL: database.url,
      MEDPROOF_SECRETS_FILE: secretsFile,
      MEDPROOF_TRUST_PROXY: '127.0.0.1',
      MEDPROOF_PUBLIC_URL: `http://127.0.0.1:${nginxPort}`,
      MEDPROOF_BATCH_MAX: '4',
      MEDPROOF_POLL_MS: '100',
      MEDPROOF_VERIFY_RATE_PER_MINUTE: '100000',
      // info: the development SMS provider writes the patients' one-time codes to the log.
      MEDPROOF_LOG_LEVEL: 'info',
      ...(s3 ? s3.env('replicas/') : {}),
    };
    const replicas: (Spawned | undefined)[] = [];
    // Every replica process ever started (a restarted one replaces its slot in `replicas`).
    const everStarted: Spawned[] = [];
    const startReplica = async (i: number) => {
      const dataDir = join(dir.path, `replica-${i}`);
      mkdirSync(dataDir, { recursive: true });
      // One blob store for all, as a shared mount at each data folder's blobs/ would be.
      if (!s3 && !existsSync(join(dataDir, 'blobs'))) symlinkSync(sharedBlobs, join(dataDir, 'blobs'));
      const p = spawnCli(['start', '--json', '--data-dir', dataDir, '--port', String(ports[i])], {
        env: { ...replicaEnv, MEDPROOF_REPLICA_ID: `replica-${i}` },
      });
      replicas[i] = p;
      everStarted.push(p);
      cleanups.push(async () => {
        p.child.kill('SIGKILL');
        await p.exited;
      });
      return JSON.parse(await p.line(/"status":"running"/, 90_000)) as { setupToken: string | null };
    };
    // All three at once: one migrates the new database, the others wait for its lock.
    const started = await Promise.all([0, 1, 2].map(startReplica));
    const nginx: RunningNginx = await startNginx(join(dir.path, 'nginx'), nginxPort, ports);
    cleanups.push(() => nginx.stop());

    const health = async (i: number) => {
      try {
        // Bounded: a frozen replica accepts the connection and never answers.
        const r = await fetch(`http://127.0.0.1:${ports[i]}/health`, { signal: AbortSignal.timeout(1000) });
        return (await r.json()) as { status: string; leader: boolean; blobStore: string };
      } catch {
        return undefined;
      }
    };
    const leaders = async () => {
      const h = await Promise.all([0, 1, 2].map(health));
      return [0, 1, 2].filter((i) => h[i]?.leader === true);
    };
    expect(await leaders()).toHaveLength(1);
    expect((await health(0))?.blobStore).toBe(blobStore);

    // A replica with its own secrets.json (no shared secrets) refuses to start: SECRETS_MISMATCH.
    const stray = spawnCli(
      ['start', '--json', '--data-dir', join(dir.path, 'stray'), '--port', String(await freePort())],
      {
        env: { ...replicaEnv, MEDPROOF_SECRETS_FILE: '' },
      },
    );
    expect(await stray.exited).toBe(2);
    expect(stray.stderr() + stray.stdout()).toContain('SECRETS_MISMATCH');

    // Users, through nginx: any replica's setup token works (they are rows in the shared database).
    const setupToken = started.find((s) => s.setupToken)?.setupToken;
    const seedPatient = nextAadhaar();
    const { admin, doctor } = await seedPortal(nginx.url, setupToken!, PASSWORD, seedPatient);
    const doctors = [doctor];
    const patients = [seedPatient];
    for (let d = 1; d < DOCTORS; d++) {
      const email = `doctor${d}@replicas.test`;
      const made = await admin.req('POST', '/api/doctors', {
        email,
        name: `Dr ${d}`,
        registrationNumber: `MCI-R${d}`,
        password: PASSWORD,
      });
      expect(made.status).toBe(201);
      const c = new Http(nginx.url);
      // Password, then the second factor doctors need (their test passkey, made at this first sign-in).
      expect((await c.login(email, PASSWORD)).status).toBe(200);
      doctors.push(c);
      const patientId = nextAadhaar();
      const reg = await new Http(nginx.url).req('POST', '/api/patients', {
        email: `patient${d}@replicas.test`,
        password: PASSWORD,
        name: `Patient ${d}`,
        dateOfBirth: '1985-05-05',
        patientId,
      });
      expect(reg.status).toBe(201);
      patients.push(patientId);
    }

    // The load: each doctor uploads for a patient (whatever replica nginx picks; the patient was
    // registered on another), while a verifier checks issued documents by hash.
    const issued: { id: string; docHash: string; doctor: Http; content: string }[] = [];
    const failedUploads: number[] = [];
    let uploading = true;
    const upload = async (d: number, n: number) => {
      const content = `report ${d}-${n} ${randomBytes(8).toString('hex')}`;
      const r = await doctors[d]!.req(
        'POST',
        '/api/documents',
        issueForm(patients[d]!, `Report ${n}`, content),
      ).catch((): { status: number; json: Record<string, unknown> } => ({ status: 0, json: {} }));
      if (r.status === 201)
        issued.push({ id: String(r.json.id), docHash: String(r.json.docHash), doctor: doctors[d]!, content });
      else failedUploads.push(r.status);
    };
    const uploads = Promise.all(
      [...Array(DOCTORS).keys()].map(async (d) => {
        for (let n = 0; n < UPLOADS_PER_DOCTOR; n++) await upload(d, n);
      }),
    ).finally(() => (uploading = false));
    let verifications = 0;
    const verifier = (async () => {
      while (uploading) {
        const doc = issued[verifications % Math.max(1, issued.length)];
        if (doc) {
          const r = await new Http(nginx.url)
            .req('POST', '/api/verify', { docHash: doc.docHash })
            .catch(() => undefined);
          if (r?.status === 200) verifications++;
        }
        await sleep(20);
      }
    })();

    // Mid-anchoring: the leader has a batch whose signed transaction is sent but not mined.
    await sql.connect();
    cleanups.push(() => sql.end());
    let inFlight = 0;
    for (let i = 0; i < 600 && inFlight === 0; i++) {
      inFlight = Number(
        (await sql.query<{ n: string }>(`select count(*) as n from anchor_batches where status = 'sent'`))
          .rows[0]?.n,
      );
      if (inFlight === 0) await sleep(50);
    }
    expect(inFlight).toBeGreaterThan(0);
    const [leader] = await leaders();
    expect(leader).toBeDefined();
    const killedAt = Date.now();
    replicas[leader!]!.child.kill('SIGKILL');
    await replicas[leader!]!.exited;
    await gone(replicas[leader!]!.child.pid!);
    let successor: number | undefined;
    for (let i = 0; i < 600 && successor === undefined; i++) {
      successor = (await leaders())[0];
      if (successor === undefined) await sleep(50);
    }
    const failoverMs = Date.now() - killedAt;
    expect(successor).toBeDefined();
    expect(successor).not.toBe(leader);
    console.log(`failover: replica-${successor} leads ${failoverMs} ms after kill -9 of replica-${leader}`);

    // The killed one comes back as a follower.
    await startReplica(leader!);
    await uploads;
    await verifier;
    expect(issued.length).toBeGreaterThan(DOCTORS * UPLOADS_PER_DOCTOR * 0.8);
    expect(verifications).toBeGreaterThan(0);
    expect(await leaders()).toEqual([successor]);

    // A share link limited to 3 views, opened 8 times at once through nginx: exactly 3 answers.
    const patient = new Http(nginx.url);
    expect(
      (await patient.req('POST', '/api/auth/login', { email: 'patient@seed.test', password: PASSWORD }))
        .status,
    ).toBe(200);
    // The patient proves their id (the code the leader's development SMS provider logged), and the
    // documents held for it become theirs.
    const masked = `XXXX XXXX ${seedPatient.slice(-4)}`;
    let code: string | undefined;
    for (let i = 0; i < 300 && code === undefined; i++) {
      code = everStarted
        .flatMap((p) => p.stderr().split('\n'))
        .map((l) => (l.includes(masked) ? /your code is (\d{6})/.exec(l)?.[1] : undefined))
        .findLast((c) => c !== undefined);
      if (code === undefined) await sleep(50);
    }
    expect(code, 'no one-time code logged for the seed patient').toBeDefined();
    expect((await patient.req('POST', '/api/me/patient-id/verify', { code })).status).toBe(200);
    const own = issued.find((d) => d.doctor === doctor)!;
    const share = await patient.req('POST', `/api/documents/${own.id}/shares`, {
      expiresInHours: 1,
      maxViews: SHARE_VIEWS,
    });
    expect(share.status).toBe(201);
    const opened = await Promise.all(
      [...Array(SHARE_ATTEMPTS).keys()].map(async () => {
        const r = await fetch(`${nginx.url}/api/shares/${String(share.json.token)}/content`);
        const body = Buffer.from(await r.arrayBuffer());
        if (r.status !== 200 && r.status !== 410) console.log(r.status, body.toString().slice(0, 300));
        return r.status;
      }),
    );
    expect(
      opened.filter((s) => s === 200),
      opened.join(','),
    ).toHaveLength(SHARE_VIEWS);
    expect(opened.filter((s) => s === 410)).toHaveLength(SHARE_ATTEMPTS - SHARE_VIEWS);

    // Rate limits are shared and keyed on the client's address as nginx reports it (patient sign-up:
    // 10 a minute), whatever the client claims in X-Forwarded-For.
    const signup = `${nginx.url}/api/patients`;
    const fromOne: number[] = [];
    for (let i = 0; i < 14; i++)
      fromOne.push(await postFrom('127.0.0.2', signup, {}, { 'x-forwarded-for': `10.9.9.${i}` }));
    expect(fromOne.filter((s) => s === 400)).toHaveLength(10);
    expect(fromOne.filter((s) => s === 429)).toHaveLength(4);
    expect(await postFrom('127.0.0.3', signup, {})).toBe(400);

    // SIGTERM to the leader hands the lease over: the next leader wins it before it would have expired.
    const [current] = await leaders();
    const held = await sql.query<{ expires_at: string }>(
      `select expires_at from writer_leases where name = 'writers'`,
    );
    const stoppingAt = Date.now();
    replicas[current!]!.child.kill('SIGTERM');
    expect(await replicas[current!]!.exited).toBe(0);
    let next: number | undefined;
    for (let i = 0; i < 600 && next === undefined; i++) {
      next = (await leaders()).find((r) => r !== current);
      if (next === undefined) await sleep(50);
    }
    expect(next).toBeDefined();
    const taken = await sql.query<{ acquired_at: string; holder: string }>(
      `select acquired_at, holder from writer_leases where name = 'writers'`,
    );
    expect(taken.rows[0]?.holder).toBe(`replica-${next}`);
    expect(Number(taken.rows[0]?.acquired_at)).toBeLessThan(Number(held.rows[0]?.expires_at));
    console.log(`handover after SIGTERM: replica-${next} leads ${Date.now() - stoppingAt} ms later`);
    // A leader frozen (SIGSTOP) past its lease is replaced; woken up, it finds its lease gone and
    // steps down: its writes are refused by the fencing check, so nothing it had under way commits.
    const frozen = next!;
    replicas[frozen]!.child.kill('SIGSTOP');
    let third: number | undefined;
    for (let i = 0; i < 600 && third === undefined; i++) {
      third = (await leaders()).find((r) => r !== frozen);
      if (third === undefined) await sleep(50);
    }
    expect(third).toBeDefined();
    // Uploads straight to the new leader (nginx would wait on the frozen one): the doctor's session,
    // made through another replica, is valid here too.
    const direct = new Http(`http://127.0.0.1:${ports[third!]}`);
    direct.cookie = doctor.cookie;
    direct.csrf = doctor.csrf;
    direct.email = doctor.email;
    direct.origin = new URL(nginx.url).origin;
    for (let n = 0; n < 4; n++) {
      const content = `after freeze ${n} ${randomBytes(8).toString('hex')}`;
      const r = await direct.req('POST', '/api/documents', issueForm(seedPatient, `Late ${n}`, content));
      expect(r.status).toBe(201);
      issued.push({ id: String(r.json.id), docHash: String(r.json.docHash), doctor, content });
    }
    replicas[frozen]!.child.kill('SIGCONT');
    let steppedDown = false;
    for (let i = 0; i < 600 && !steppedDown; i++) {
      steppedDown = (await health(frozen))?.leader === false;
      if (!steppedDown) await sleep(50);
    }
    expect(steppedDown).toBe(true);
    expect(await leaders()).toEqual([third]);

    // Every 201 is anchored.
    const leafOf = new Map<string, string>();
    for (let i = 0; i < 1200; i++) {
      const r = await sql.query<{ id: string; leaf: string; status: string }>(
        `select d.id, d.leaf, l.status from documents d join anchor_leaves l on l.leaf = d.leaf`,
      );
      r.rows.forEach((row) => leafOf.set(row.id, row.leaf));
      const pending = issued.filter((doc) => r.rows.find((row) => row.id === doc.id)?.status !== 'anchored');
      if (pending.length === 0) break;
      await sleep(100);
    }
    for (const doc of issued) {
      const r = await sql.query<{ status: string }>(
        `select l.status from documents d join anchor_leaves l on l.leaf = d.leaf where d.id = $1`,
        [doc.id],
      );
      expect(r.rows[0]?.status, doc.id).toBe('anchored');
    }

    // Every root anchored once on chain, and every leaf in exactly one root.
    const client = publicClientFor(node.rpcUrl, 31337);
    const events = await client.getContractEvents({
      abi: registryAbi,
      address: registry,
      eventName: 'Anchored',
      fromBlock: 0n,
    });
    const roots = events.map((e) => String((e.args as { root: string }).root).toLowerCase());
    expect(new Set(roots).size).toBe(roots.length);
    const batches = (
      await sql.query<{ root: string; leaves: string; status: string }>(
        `select root, leaves, status from anchor_batches`,
      )
    ).rows;
    expect(batches.every((b) => b.status === 'confirmed' || b.status === 'final')).toBe(true);
    expect(roots.sort()).toEqual(batches.map((b) => b.root).sort());
    const leafCount = new Map<string, number>();
    for (const b of batches)
      for (const l of JSON.parse(b.leaves) as string[]) leafCount.set(l, (leafCount.get(l) ?? 0) + 1);
    for (const doc of issued) expect(leafCount.get(leafOf.get(doc.id)!), doc.id).toBe(1);

    // Every 201 verifies with the CLI, from the file and receipt a user downloads. Blocks stop coming
    // first: this anvil keeps no history (--prune-history), and a read pinned to the block before a
    // new one answers BlockOutOfRange.
    await rpc(node.rpcUrl, 'evm_setIntervalMining', [0]);
    await rpc(node.rpcUrl, 'evm_setAutomine', [true]);
    const verifyDir = join(dir.path, 'verify');
    mkdirSync(verifyDir);
    for (let i = 0; i < issued.length; i += 4) {
      const results = await Promise.all(
        issued.slice(i, i + 4).map(async (doc) => {
          const file = join(verifyDir, `${doc.id}.pdf`);
          // The file as the doctor uploaded it (the patient downloads the same bytes).
          writeFileSync(file, `%PDF-1.4 ${doc.content}\n%%EOF`);
          const receipt = await doc.doctor.req('GET', `/api/documents/${doc.id}/receipt`);
          expect(receipt.status).toBe(200);
          writeFileSync(`${file}.receipt.json`, JSON.stringify(receipt.json));
          const v = spawnCli(['verify', file, '--json'], { env: { ...env, ...chainEnv } });
          return { code: await v.exited, out: v.stdout() + v.stderr() };
        }),
      );
      for (const r of results) expect(r.code, r.out).toBe(0);
    }

    // Every 201's file is in the one shared store (a leader killed mid-upload may leave an orphan,
    // which the reconciler removes once it is older than an upload may take).
    const stored = s3
      ? await (async () => {
          const store = new S3BlobStore({
            bucket: s3.bucket,
            prefix: 'replicas/',
            endpoint: s3.endpoint,
            region: 'us-east-1',
            forcePathStyle: true,
            credentials: S3_CREDENTIALS,
          });
          try {
            return await store.keys();
          } finally {
            store.client.destroy();
          }
        })()
      : readdirSync(sharedBlobs)
          .filter((d) => d.length === 2)
          .flatMap((d) => readdirSync(join(sharedBlobs, d)));
    const blobKeys = (
      await sql.query<{ blob_key: string }>(`select blob_key from documents where id = any($1)`, [
        issued.map((d) => d.id),
      ])
    ).rows.map((r) => r.blob_key);
    expect(blobKeys).toHaveLength(issued.length);
    expect(stored).toEqual(expect.arrayContaining(blobKeys));
    if (s3) expect(readdirSync(sharedBlobs)).toEqual([]);

    console.log(
      `blobs on ${blobStore}: ${issued.length} documents issued (${failedUploads.length} uploads failed: ${failedUploads.join(',')}), ${verifications} verifications, ${batches.length} batches`,
    );
  }, 400_000);
});
