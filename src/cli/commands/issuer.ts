import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { getAddress, isAddress, type Address, type TransactionReceipt } from 'viem';
import { sendRegistryV2Tx } from '../../chain/index.js';
import type { Config } from '../../config/index.js';
import { MedproofError, profileCommitment, toHex, type IssuerProfile } from '../../core/index.js';
import type { Output } from '../output.js';
import { openChainForCommand, requireRegistry, requireRegistryV2, requireSigner } from '../openChain.js';
import { institutionFor, readProfileFile } from '../v2Identity.js';

export type IssuerAction = 'enroll' | 'renew' | 'retire' | 'compromised';

export interface IssuerOptions {
  /** enroll/renew: an existing profile file instead of --name/--registration. */
  readonly profile?: string;
  readonly name?: string;
  readonly registration?: string;
  readonly council?: string;
  readonly institution?: string;
  /** enroll/renew: where the new profile is written (default ADDRESS.profile.json). */
  readonly out?: string;
  readonly force?: boolean;
  /** compromised: from when (unix seconds or ISO 8601; default now). */
  readonly from?: string;
}

const DEFAULT_COUNCIL = 'NMC';

function parseAddress(input: string): Address {
  if (!isAddress(input, { strict: false }))
    throw new MedproofError('BAD_ADDRESS', `not an address: ${input}`);
  return getAddress(input);
}

/** Unix seconds from `1733000000` or `2026-12-01T10:00:00Z`. */
export function parseTime(input: string): number {
  const seconds = /^\d+$/.test(input) ? Number(input) : Date.parse(input) / 1000;
  if (!Number.isSafeInteger(Math.floor(seconds)) || seconds <= 0)
    throw new MedproofError('BAD_TIME', `--from: not a time: ${input} (unix seconds or ISO 8601)`);
  return Math.floor(seconds);
}

/**
 * The profile a new term commits to: a given file as it is, or one built from the flags with a fresh
 * salt and written out, because every receipt of the term must carry exactly it.
 */
function profileForTerm(
  config: Config,
  address: Address,
  o: IssuerOptions,
): { profile: IssuerProfile; file: string; written: boolean } {
  if (o.profile !== undefined)
    return { profile: readProfileFile(o.profile), file: o.profile, written: false };
  if (!o.name || !o.registration)
    throw new MedproofError(
      'BAD_REGISTRATION',
      'an issuer term commits to a profile: pass --name and --registration (and --council), or --profile FILE',
    );
  const institution = institutionFor(config, o.institution);
  const profile: IssuerProfile = {
    name: o.name,
    registrationNumber: o.registration,
    council: o.council?.trim() || DEFAULT_COUNCIL,
    institution: { name: institution.name, domain: institution.domain },
    passkeys: [],
    salt: toHex(randomBytes(32)),
  };
  const file = o.out ?? `${address}.profile.json`;
  if (!o.force && existsSync(file))
    throw new MedproofError('RECEIPT_EXISTS', `${file} exists already (pass --force to replace it)`);
  try {
    // Written before the transaction: a term whose profile was lost could never issue a verifiable receipt.
    writeFileSync(file, `${JSON.stringify(profile, null, 2)}\n`);
  } catch {
    throw new MedproofError('FILE_UNWRITABLE', `cannot write ${file}`);
  }
  return { profile, file, written: true };
}

/** `medproof issuer enroll|renew|retire|compromised ADDRESS` on registry v2 (registrar's key). */
export async function issuerCommand(
  config: Config,
  out: Output,
  action: IssuerAction,
  addressInput: string,
  o: IssuerOptions,
): Promise<number> {
  const address = parseAddress(addressInput);
  const from = action === 'compromised' && o.from !== undefined ? parseTime(o.from) : undefined;
  const chain = await openChainForCommand(config, { create: true });
  try {
    const registry = requireRegistry(chain);
    await requireRegistryV2(chain, `issuer ${action}`);
    const signer = requireSigner(chain);
    let tx: TransactionReceipt;
    let human: string;
    let data: Record<string, unknown> = { action, issuer: address, registry };
    if (action === 'enroll' || action === 'renew') {
      const { profile, file, written } = profileForTerm(config, address, o);
      const commitment = profileCommitment(profile, profile.salt);
      tx = await sendRegistryV2Tx(
        chain.conn,
        signer,
        registry,
        action === 'enroll' ? 'enrollIssuer' : 'renewIssuer',
        [address, commitment],
      );
      human = `${action === 'enroll' ? 'enrolled' : 'renewed'} ${address} (${profile.name}, ${profile.council} ${profile.registrationNumber}); profile ${written ? 'written to' : 'from'} ${file}`;
      data = { ...data, profile: file, commitment };
    } else if (action === 'retire') {
      tx = await sendRegistryV2Tx(chain.conn, signer, registry, 'retireIssuer', [address]);
      human = `retired ${address}: documents anchored before stay valid`;
    } else {
      const at = from ?? Number((await chain.conn.client.getBlock()).timestamp);
      tx = await sendRegistryV2Tx(chain.conn, signer, registry, 'markCompromised', [address, BigInt(at)]);
      human = `marked ${address} compromised from ${new Date(at * 1000).toISOString()} (${at})`;
      data = { ...data, from: at };
    }
    await chain.durable();
    out.result(`${human} (tx ${tx.transactionHash})`, {
      ...data,
      txHash: tx.transactionHash,
      blockNumber: Number(tx.blockNumber),
    });
    return 0;
  } finally {
    await chain.close();
  }
}
