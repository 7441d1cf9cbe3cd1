import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbeddedChain } from '../../src/chain/embedded/openEmbeddedChain.js';
import { freePort } from '../../src/chain/embedded/processes.js';
import { registryReader } from '../../src/chain/registry/registryReader.js';
import { loadSecrets } from '../../src/config/secrets.js';
import { computeLeaf } from '../../src/core/leaf/computeLeaf.js';
import type { LeafFields } from '../../src/core/leaf/LeafFields.js';
import type { Receipt } from '../../src/core/receipt/receiptSchema.js';
import { verifyDocument } from '../../src/core/verify/verifyDocument.js';
import { NODE_KINDS } from '../helpers/chains.js';
import { gone, spawnTs } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp.js';

const SERVICE = new URL('../fixtures/anchorService.ts', import.meta.url).pathname;
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

/**
 * DESIGN.md's deciding test for the default node: kill -9 the whole system (service and chain node)
 * while it anchors, restart it, and check that every receipt handed out before the kill and every
 * document accepted verifies on the chain. The measurements go to the test output for the README.
 */
describe.each(NODE_KINDS)('kill -9 of the whole system while anchoring on %s', (kind) => {
  it('loses nothing: every receipt handed out and every document accepted verifies after restart', async () => {
    const dir = tmpDir(`medproof-kill-${kind}-`);
    cleanups.push(() => dir.remove());
    const dataDir = join(dir.path, 'data');
    const outDir = join(dir.path, 'out');
    const port = String(await freePort());

    const first = spawnTs(SERVICE, ['produce', dataDir, outDir, kind, port]);
    await first.line(/"ready":true/, 60_000);
    const receiptsDir = join(outDir, 'receipts');
    const count = () => readdirSync(receiptsDir).filter((f) => f.endsWith('.json')).length;
    for (const deadline = Date.now() + 60_000; count() < 60;) {
      if (Date.now() > deadline) throw new Error(`only ${count()} receipts after 60 s: ${first.stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const node = JSON.parse(readFileSync(join(dataDir, 'chain', kind, 'node.json'), 'utf8')) as {
      pid: number;
    };
    process.kill(first.child.pid!, 'SIGKILL');
    process.kill(node.pid, 'SIGKILL');
    await first.exited;
    await gone(node.pid);
    const handedOut = count();

    const second = spawnTs(SERVICE, ['resume', dataDir, outDir, kind, port]);
    const summary = JSON.parse(await second.line(/"done":true/, 120_000)) as {
      documents: number;
      reanchoredBatches: number;
    };
    expect(await second.exited).toBe(0);

    const journal = readFileSync(join(outDir, 'docs.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as LeafFields];
        } catch {
          return [];
        }
      });
    const { devMnemonic } = loadSecrets(dataDir);
    const chain = await openEmbeddedChain({ dataDir, kind, mnemonic: devMnemonic, mode: 'command' });
    try {
      const reader = registryReader(chain.conn.client);
      const verdicts: Record<string, number> = {};
      for (const fields of journal) {
        const leaf = computeLeaf(fields);
        const receipt = JSON.parse(readFileSync(join(receiptsDir, `${leaf}.json`), 'utf8')) as Receipt;
        const v = await verifyDocument({
          docHash: fields.docHash,
          receipt,
          reader,
          trust: { registry: chain.registry },
        });
        verdicts[v.verdict] = (verdicts[v.verdict] ?? 0) + 1;
      }
      console.log(
        `[measurement] ${kind}: kill -9 after ${handedOut} receipts handed out; ${journal.length} documents accepted; ` +
          `${summary.reanchoredBatches} batches the chain lost were re-anchored; verdicts ${JSON.stringify(verdicts)}`,
      );
      expect(verdicts).toEqual({ VALID: journal.length });
      expect(journal.length).toBeGreaterThanOrEqual(handedOut);
    } finally {
      await chain.close();
    }
  }, 240_000);
});
