import { encodeFunctionData, zeroHash, type Address, type Hex } from 'viem';
import { registryV2Abi } from '../../chain/index.js';
import { issuerAnchoring, type ChainOp } from '../../store/index.js';
import { anchorPointOf } from '../anchorPointOf.js';
import type { ChainOpContext } from './ChainOpContext.js';
import type { OpCall } from './OpCall.js';

const SUPERSEDED = 1;

/**
 * Registry v2's call for an operation. A revocation carries the leaf's fields, its anchored root and
 * the Merkle proof (the contract checks membership): while the leaf is not anchored yet it waits, and a
 * leaf whose batch failed was never on chain, so there is nothing to revoke there.
 */
export async function chainOpCallV2(ctx: ChainOpContext, p: ChainOp): Promise<OpCall> {
  const call = (data: Hex): OpCall => ({ kind: 'call', data });
  switch (p.kind) {
    case 'grant_issuer':
      return { kind: 'reject', message: 'grant_issuer is a registry v1 change: v2 enrolls with a profile' };
    case 'enroll_issuer':
      return call(
        encodeFunctionData({
          abi: registryV2Abi,
          functionName: 'enrollIssuer',
          args: [p.address, p.profile],
        }),
      );
    case 'renew_issuer':
      return call(
        encodeFunctionData({
          abi: registryV2Abi,
          functionName: 'renewIssuer',
          args: [p.address, p.profile],
        }),
      );
    case 'retire_issuer':
      if (await lastDocumentsInFlight(ctx, p.address))
        return {
          kind: 'wait',
          message: `retire ${p.address}: waiting for their accepted documents to be anchored`,
        };
      return call(
        encodeFunctionData({ abi: registryV2Abi, functionName: 'retireIssuer', args: [p.address] }),
      );
    case 'mark_compromised':
      return call(
        encodeFunctionData({
          abi: registryV2Abi,
          functionName: 'markCompromised',
          args: [p.address, BigInt(p.from)],
        }),
      );
    case 'revoke_leaf': {
      if (!p.fields)
        return { kind: 'reject', message: `revoke ${p.leaf}: the operation lacks the leaf's fields` };
      const anchored = await anchorPointOf(ctx.db.kysely, p.leaf);
      if (anchored?.state === 'failed' || anchored === undefined)
        return { kind: 'reject', message: `revoke ${p.leaf}: the document was never anchored` };
      if (anchored.state !== 'anchored' || !anchored.point)
        return { kind: 'wait', message: `revoke ${p.leaf}: waiting for the document to be anchored` };
      const f = p.fields;
      return call(
        encodeFunctionData({
          abi: registryV2Abi,
          functionName: 'revoke',
          args: [
            {
              docHash: f.docHash,
              salt: f.salt,
              patientRef: f.patientRef,
              issuer: f.issuer,
              docType: f.docType,
              issuedAt: BigInt(f.issuedAt),
            },
            anchored.point.root,
            [...anchored.point.proof],
            p.reason,
            p.reason === SUPERSEDED && p.supersededBy ? p.supersededBy : zeroHash,
          ],
        }),
      );
    }
  }
}

/**
 * A compromise is marked at once; a retirement first lets the doctor's accepted documents anchor, and
 * lets the chain's clock pass their anchoring second: a term ending in the same second as an anchor
 * would not cover it (the registry's `until` is exclusive, in whole seconds). Dev nodes make blocks
 * only for transactions, stamped from their clock, so two seconds after the confirmation the next
 * block (the retirement) is later whatever the latest block says.
 */
async function lastDocumentsInFlight(ctx: ChainOpContext, issuer: Address): Promise<boolean> {
  const state = await issuerAnchoring(ctx.db.kysely, issuer);
  if (state.inFlight) return true;
  if (!state.last || Date.now() - state.last.confirmedAt >= 2_000) return false;
  const client = ctx.conn.client;
  const [anchored, latest] = await Promise.all([
    client.getBlock({ blockNumber: BigInt(state.last.blockNumber) }),
    client.getBlock({ blockTag: 'latest' }),
  ]);
  return latest.timestamp <= anchored.timestamp;
}

/** Whether registry v2 already shows the operation's effect. */
export async function chainOpAppliedV2(ctx: ChainOpContext, p: ChainOp): Promise<boolean> {
  const read = ctx.conn.client.readContract;
  const address = ctx.registry;
  const openTerm = async (issuer: Address): Promise<Hex | undefined> => {
    const n = await read({ address, abi: registryV2Abi, functionName: 'termCount', args: [issuer] });
    if (n === 0n) return undefined;
    const [, until, profile] = await read({
      address,
      abi: registryV2Abi,
      functionName: 'termAt',
      args: [issuer, n - 1n],
    });
    return until === 0n ? profile : undefined;
  };
  switch (p.kind) {
    case 'grant_issuer':
      return false;
    case 'enroll_issuer':
    case 'renew_issuer':
      return (await openTerm(p.address))?.toLowerCase() === p.profile.toLowerCase();
    case 'retire_issuer':
      return (await openTerm(p.address)) === undefined;
    case 'mark_compromised': {
      const from = await read({
        address,
        abi: registryV2Abi,
        functionName: 'compromisedFrom',
        args: [p.address],
      });
      return from !== 0n && from <= BigInt(p.from);
    }
    case 'revoke_leaf':
      return (await ctx.reader.revocation(ctx.registry, p.leaf)).revokedAt > 0;
  }
}
