import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, processAlive } from '../../src/chain/embedded/processes.js';
import { issueForm, seedPortal, waitForVerdict, type Http } from '../helpers/http.js';
import { nextAadhaar, PASSWORD } from '../helpers/portal.js';
import { gone, spawnCli, type Spawned } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp.js';

const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDPROOF_'))),
  MEDPROOF_LOG_LEVEL: 'warn',
};
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh data folder and the arguments of `medproof start` on free ports. */
async function startArgs(prefix: string): Promise<{ dataDir: string; args: string[] }> {
  const dir = tmpDir(prefix);
  cleanups.push(() => dir.remove());
  const dataDir = join(dir.path, 'data');
  const args = ['start', '--json', '--data-dir', dataDir, '--port', String(await freePort())];
  return { dataDir, args: [...args, '--node-port', String(await freePort())] };
}

function spawnStart(args: string[]): Spawned {
  const start = spawnCli(args, { env });
  cleanups.push(() => {
    if (start.child.exitCode === null) start.child.kill('SIGKILL');
  });
  return start;
}

const nodeFile = (dataDir: string) => join(dataDir, 'chain', 'anvil', 'node.json');
const readNodePid = (dataDir: string): number | undefined => {
  try {
    return (JSON.parse(readFileSync(nodeFile(dataDir), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
};

/** Waits (bounded) until node.json names a live node other than `previous`: the supervisor restarted it. */
async function nextNodePid(dataDir: string, previous: number | undefined, start: Spawned): Promise<number> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(20)) {
    const pid = readNodePid(dataDir);
    if (pid !== undefined && pid !== previous && processAlive(pid, 'anvil')) return pid;
    if (start.child.exitCode !== null)
      throw new Error(`medproof start exited: ${start.stderr().slice(-2000)}`);
  }
  throw new Error(`no new node after ${previous} died: ${start.stderr().slice(-2000)}`);
}

/** Polls the document until the portal reports it anchored (bounded); returns its last status. */
async function anchoredStatus(doctor: Http, id: unknown): Promise<unknown> {
  let status: unknown;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
    status = (await doctor.req('GET', `/api/documents/${String(id)}`)).json.status;
    if (status === 'anchored') break;
  }
  return status;
}

describe('medproof start supervises the embedded node', () => {
  it('restarts a node killed with SIGKILL: documents issued before, during and after all anchor', async () => {
    const { dataDir, args } = await startArgs('medproof-node-restart-');
    const start = spawnStart(args);
    const info = JSON.parse(await start.line(/"status":"running"/, 60_000)) as {
      url: string;
      setupToken: string;
    };
    const patientId = nextAadhaar();
    const { doctor } = await seedPortal(info.url, info.setupToken, PASSWORD, patientId);
    const issue = async (title: string) => {
      const r = await doctor.req('POST', '/api/documents', issueForm(patientId, title, `${title} body`));
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      return r.json;
    };

    const before = await issue('Before the kill');
    expect(await waitForVerdict(info.url, before.docHash, 'VALID', 60_000)).toBe('VALID');
    // One more, anchored after anvil's last state write (it writes every second): the kill loses that
    // anchor, and only reconciling with the restarted node brings it back. Retried (bounded) while a
    // write lands between issuing and anchoring.
    const stateFile = join(dataDir, 'chain', 'anvil', 'state.json');
    let justBefore: Record<string, unknown> | undefined;
    for (let attempt = 0; attempt < 10 && !justBefore; attempt++) {
      const written = statSync(stateFile).mtimeMs;
      const doc = await issue(`Just before the kill ${attempt}`);
      let status: unknown;
      for (
        const deadline = Date.now() + 5000;
        status !== 'anchored' && Date.now() < deadline;
        await sleep(10)
      )
        status = (await doctor.req('GET', `/api/documents/${String(doc.id)}`)).json.status;
      if (status === 'anchored' && statSync(stateFile).mtimeMs === written) justBefore = doc;
    }
    expect(justBefore, 'a document anchored between two state writes').toBeDefined();
    const firstPid = readNodePid(dataDir);
    expect(firstPid).toBeDefined();
    process.kill(firstPid!, 'SIGKILL');
    await gone(firstPid!);
    // Uploads go on while the node is down or restarting.
    const during = await issue('While the node is down');
    const secondPid = await nextNodePid(dataDir, firstPid, start);
    const after = [await issue('After the restart 1'), await issue('After the restart 2')];

    for (const doc of [before, justBefore!, during, ...after]) {
      expect(await anchoredStatus(doctor, doc.id), String(doc.id)).toBe('anchored');
      expect(await waitForVerdict(info.url, doc.docHash, 'VALID', 60_000)).toBe('VALID');
    }
    expect(secondPid).not.toBe(firstPid);

    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
    await gone(secondPid);
  }, 240_000);

  it('gives up past 5 restarts within 60 s: exits non-zero with NODE_DIED and leaves no node running', async () => {
    const { dataDir, args } = await startArgs('medproof-node-died-');
    const start = spawnStart(args);
    await start.line(/"status":"running"/, 60_000);
    const killed: number[] = [];
    let pid = readNodePid(dataDir);
    // Five deaths are restarted; the sixth within the minute ends the process.
    for (let death = 1; death <= 6; death++) {
      expect(pid).toBeDefined();
      process.kill(pid!, 'SIGKILL');
      killed.push(pid!);
      await gone(pid!);
      if (death < 6) pid = await nextNodePid(dataDir, pid, start);
    }
    expect(await start.exited).toBe(2);
    const error = JSON.parse(await start.line(/"error"/, 1000)) as { error: { code: string } };
    expect(error.error.code).toBe('NODE_DIED');
    expect(new Set(killed).size).toBe(6);
    for (const p of killed) expect(processAlive(p, 'anvil'), `node ${p}`).toBe(false);
    // No node was started after the last death, and the data folder says no node runs.
    expect(existsSync(nodeFile(dataDir))).toBe(false);
  }, 240_000);

  it('stops the node when SIGTERM arrives while it is still starting', async () => {
    const { dataDir, args } = await startArgs('medproof-node-sigterm-start-');
    const start = spawnStart(args);
    // The node is up (node.json written) but the first start is still deploying the registry.
    let pid: number | undefined;
    for (const deadline = Date.now() + 60_000; pid === undefined && Date.now() < deadline; await sleep(10))
      pid = readNodePid(dataDir);
    expect(pid).toBeDefined();
    expect(start.stdout()).not.toContain('"status":"running"');
    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
    await gone(pid!);
    expect(existsSync(nodeFile(dataDir))).toBe(false);
  }, 120_000);
});
