import { randomBytes } from 'node:crypto';
import dns2 from 'dns2';
import { expect } from 'vitest';
import { keccak256, toHex, type Account, type Address, type Hex, type TransactionReceipt } from 'viem';
import { registryV2Abi, registryV2Bytecode } from '../../src/chain/registryV2Abi.js';
import type { Institution, IssuerProfile } from '../../src/core/identity/identitySchemas.js';
import { institutionCommitment } from '../../src/core/identity/institutionCommitment.js';
import { computeLeaf } from '../../src/core/leaf/computeLeaf.js';
import type { LeafFields } from '../../src/core/leaf/LeafFields.js';
import { buildMerkleTree } from '../../src/core/merkle/buildMerkleTree.js';
import { buildReceiptV2 } from '../../src/core/receipt/buildReceiptV2.js';
import type { ReceiptV2 } from '../../src/core/receipt/receiptV2Schema.js';
import type { TestChain } from './chains.js';

export const rand32 = (): Hex => toHex(randomBytes(32));
const ANCHORER_ROLE = keccak256(toHex('ANCHORER_ROLE'));

/** What the helpers use of a chain: any node with our own funded admin and anchorer keys. */
export type V2Chain = Pick<TestChain, 'conn' | 'admin' | 'anchorer'>;

/** Sends one registry v2 write and waits for it; a revert fails the test. */
export async function sendV2(
  chain: Pick<V2Chain, 'conn'>,
  account: Account,
  registry: Address,
  functionName: string,
  args: readonly unknown[],
): Promise<TransactionReceipt> {
  const write = chain.conn.walletFor(account).writeContract as (p: unknown) => Promise<Hex>;
  const hash = await write({ address: registry, abi: registryV2Abi, functionName, args });
  const r = await chain.conn.client.waitForTransactionReceipt({ hash, pollingInterval: 20, timeout: 60_000 });
  expect(r.status, functionName).toBe('success');
  return r;
}

/** Deploys registry v2 for `inst` with the chain's admin (all roles) and lets the chain's anchorer anchor. */
export async function deployRegistryV2(chain: V2Chain, inst: Institution): Promise<Address> {
  const hash = await chain.conn.walletFor(chain.admin).deployContract({
    abi: registryV2Abi,
    bytecode: registryV2Bytecode,
    args: [chain.admin.address, institutionCommitment(inst, inst.salt)],
  });
  const r = await chain.conn.client.waitForTransactionReceipt({ hash, pollingInterval: 20, timeout: 60_000 });
  const address = r.contractAddress!;
  await sendV2(chain, chain.admin, address, 'grantRole', [ANCHORER_ROLE, chain.anchorer.address]);
  return address;
}

export const profileFor = (name: string, registrationNumber: string, inst: Institution): IssuerProfile => ({
  name,
  registrationNumber,
  council: 'MMC',
  institution: { name: inst.name, domain: inst.domain },
  passkeys: [],
  salt: rand32(),
});

export interface IssuedV2 {
  receipt: ReceiptV2;
  docHash: Hex;
}

/** Anchors one batch (the documents plus two filler leaves) through the anchorer and hands out receipts. */
export async function issueV2(
  chain: V2Chain,
  registry: Address,
  inst: Institution,
  docs: { issuer: Address; profile: IssuerProfile; docHash?: Hex }[],
): Promise<IssuedV2[]> {
  const fields: LeafFields[] = docs.map((d) => ({
    docHash: d.docHash ?? rand32(),
    salt: rand32(),
    patientRef: rand32(),
    issuer: d.issuer,
    docType: 'certificate',
    issuedAt: Math.floor(Date.now() / 1000),
  }));
  const leaves = [...fields.map(computeLeaf), rand32(), rand32()];
  const tree = buildMerkleTree(leaves);
  const r = await sendV2(chain, chain.anchorer, registry, 'anchor', [tree.root, leaves.length]);
  return fields.map((f, i) => ({
    docHash: f.docHash,
    receipt: buildReceiptV2(
      f,
      leaves[i]!,
      {
        root: tree.root,
        proof: tree.proofAt(i),
        chainId: chain.conn.chainId,
        registry,
        txHash: r.transactionHash,
        blockNumber: Number(r.blockNumber),
      },
      { issuerProfile: docs[i]!.profile, institution: inst },
    ),
  }));
}

// dns2's typings lack Packet.RCODE.
const RCODE = { NXDOMAIN: 3, REFUSED: 5 } as const;

export interface TxtServer {
  /** Records by lower-case name; change it while the server runs. */
  readonly records: Map<string, string[][]>;
  readonly address: string;
  close(): Promise<void>;
}

/**
 * A real DNS server on 127.0.0.1 (UDP, a free port) answering TXT queries from `records`: a name not
 * there is NXDOMAIN, and `down.example` is REFUSED (a server that will not answer).
 */
export async function startTxtServer(): Promise<TxtServer> {
  const records = new Map<string, string[][]>();
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = dns2.Packet.createResponseFromRequest(request);
      const name = request.questions[0]?.name.toLowerCase() ?? '';
      if (name === 'down.example') response.header.rcode = RCODE.REFUSED;
      else if (!records.has(name)) response.header.rcode = RCODE.NXDOMAIN;
      for (const data of records.get(name) ?? [])
        (response.answers as unknown[]).push({
          name,
          type: dns2.Packet.TYPE.TXT,
          class: dns2.Packet.CLASS.IN,
          ttl: 1,
          data,
        });
      void send(response);
    },
  });
  const port = (await server.listen({ udp: { port: 0, address: '127.0.0.1' } })).udp!.port;
  return { records, address: `127.0.0.1:${port}`, close: () => server.close() };
}

/** What anchorCopyDirectly needs of a running portal (`TestPortal['system']`). */
export interface DirectAnchorer {
  readonly conn: V2Chain['conn'];
  readonly registry: Address;
  readonly anchorer: Account;
  readonly engine: { stop(): Promise<void>; start(): void | Promise<void> };
}

/**
 * Anchors the receipt's leaf again, in a root of its own, with the portal's anchorer key, as a
 * rogue portal holding a signed leaf could do at any later time; returns the receipt a verifier would
 * be handed for it (the same leaf and signature, the new root). The portal's engine is stopped
 * meanwhile: it signs with the same key.
 */
export async function anchorAgainDirectly(system: DirectAnchorer, receipt: ReceiptV2): Promise<ReceiptV2> {
  // Beside a random leaf: the leaf alone may be anchored already (a batch of one is its own root).
  const tree = buildMerkleTree([receipt.leaf, rand32()]);
  await system.engine.stop();
  let mined: TransactionReceipt;
  try {
    mined = await sendV2(system, system.anchorer, system.registry, 'anchor', [tree.root, 2]);
  } finally {
    await system.engine.start();
  }
  return {
    ...receipt,
    root: tree.root,
    proof: tree.proofAt(0),
    txHash: mined.transactionHash,
    blockNumber: Number(mined.blockNumber),
  };
}
