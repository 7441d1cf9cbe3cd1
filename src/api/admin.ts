import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

export const UserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('doctor'), Type.Literal('patient')]),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  createdAt: Type.Number(),
});

const Problem = Type.Object({ code: Type.String(), message: Type.String() });

export const AdminStatus = Type.Object({
  chain: Type.Object({
    rpcUrl: Type.String(),
    chainId: Type.Number(),
    registry: Type.String(),
    reachable: Type.Boolean(),
    blockNumber: Nullable(Type.Number()),
  }),
  anchoring: Type.Object({
    running: Type.Boolean(),
    account: Type.String(),
    paused: Nullable(Problem),
    lastError: Nullable(Type.Object({ code: Type.String(), message: Type.String(), at: Type.Number() })),
    queued: Type.Number(),
    inFlight: Type.Number(),
    anchored: Type.Number(),
    failedBatches: Type.Number(),
    reanchored: Type.Number(),
    oldestQueuedAt: Nullable(Type.Number()),
  }),
  chainOps: Type.Object({ pending: Type.Number(), failed: Type.Number(), lastError: Nullable(Problem) }),
});

const PartHealth = Type.Union([Type.Literal('ok'), Type.Literal('down')]);

/** `/health`: each part by name, so whoever is paged knows where to look; nothing more leaks. */
export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: PartHealth,
  chain: PartHealth,
  storage: PartHealth,
  /** Which blob store `storage` is: the local folder or an S3-compatible bucket (MEDPROOF_BLOB_URL). */
  blobStore: Type.Union([Type.Literal('file'), Type.Literal('s3')]),
  /** Whether this replica runs the anchoring engine and chain-operations worker (the writer lease). */
  leader: Type.Boolean(),
});
