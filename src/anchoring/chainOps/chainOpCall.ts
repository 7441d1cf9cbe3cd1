import { encodeFunctionData, type Address, type Hex } from 'viem';
import { ROLE_IDS, registryAbi } from '../../chain/index.js';
import type { ChainOp, ChainOpRow } from '../../store/index.js';
import type { ChainOpContext } from './ChainOpContext.js';
import { chainOpAppliedV2, chainOpCallV2 } from './chainOpCallV2.js';
import type { OpCall } from './OpCall.js';

export const payloadOf = (op: ChainOpRow): ChainOp =>
  ({ kind: op.kind, ...(JSON.parse(op.payload) as object) }) as ChainOp;

/** The registry call an operation makes, for the registry's version. */
export function chainOpCall(ctx: ChainOpContext, op: ChainOpRow): Promise<OpCall> {
  const p = payloadOf(op);
  if (ctx.registryVersion === 2) return chainOpCallV2(ctx, p);
  return Promise.resolve(chainOpCallV1(p));
}

function chainOpCallV1(p: ChainOp): OpCall {
  const call = (data: Hex): OpCall => ({ kind: 'call', data });
  switch (p.kind) {
    case 'grant_issuer':
    case 'enroll_issuer':
      return call(
        encodeFunctionData({
          abi: registryAbi,
          functionName: 'grantRole',
          args: [ROLE_IDS.issuer, p.address],
        }),
      );
    case 'mark_compromised':
      // v1 has no time windows: all a compromised key can lose is its role (its documents with it).
      return call(
        encodeFunctionData({
          abi: registryAbi,
          functionName: 'revokeRole',
          args: [ROLE_IDS.issuer, p.address],
        }),
      );
    case 'renew_issuer':
      // Never reached: v1 has no profiles, so the role stands as it is (applied below).
      return { kind: 'reject', message: 'renew_issuer has no registry v1 call' };
    case 'retire_issuer':
      // Never reached: v1 keeps a disabled doctor's role (applied below), or their documents would read UNKNOWN_ISSUER.
      return { kind: 'reject', message: 'retire_issuer has no registry v1 call' };
    case 'revoke_leaf':
      return call(encodeFunctionData({ abi: registryAbi, functionName: 'revoke', args: [p.leaf, p.reason] }));
  }
}

/** Whether the chain already shows the operation's effect (then it is done, whoever did it). */
export async function chainOpApplied(ctx: ChainOpContext, op: ChainOpRow): Promise<boolean> {
  const p = payloadOf(op);
  if (ctx.registryVersion === 2) return chainOpAppliedV2(ctx, p);
  const hasIssuerRole = (address: Address) =>
    ctx.conn.client.readContract({
      address: ctx.registry,
      abi: registryAbi,
      functionName: 'hasRole',
      args: [ROLE_IDS.issuer, address],
    });
  switch (p.kind) {
    case 'grant_issuer':
    case 'enroll_issuer':
      return hasIssuerRole(p.address);
    case 'mark_compromised':
      return !(await hasIssuerRole(p.address));
    case 'retire_issuer':
    case 'renew_issuer':
      return true;
    case 'revoke_leaf':
      return (await ctx.reader.revocation(ctx.registry, p.leaf)).revokedAt > 0;
  }
}
