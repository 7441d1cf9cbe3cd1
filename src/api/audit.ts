import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

// Query strings are strings (the API does not coerce types): digits, parsed by the route.
export const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
    before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
  },
  { additionalProperties: false },
);
export const AuditEventSchema = Type.Object({
  seq: Type.Number(),
  at: Type.Number(),
  action: Type.String(),
  outcome: Type.String(),
  actor: Type.Object({ id: Nullable(Type.String()), name: Nullable(Type.String()), role: Type.String() }),
  document: Nullable(Type.Object({ id: Type.String(), title: Nullable(Type.String()) })),
  ip: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export const AuditReport = Type.Object({
  ok: Type.Boolean(),
  rows: Type.Number(),
  firstBroken: Type.Optional(Type.Object({ seq: Type.Number(), reason: Type.String() })),
  /** The newest audit head anchored on chain, checked against the log and the chain (absent: the hash chain is broken). */
  anchoredHead: Type.Optional(
    Type.Object({
      status: Type.Union(['none', 'ok', 'failed', 'error'].map((s) => Type.Literal(s))),
      code: Type.Optional(Type.String()),
      seq: Type.Optional(Type.Number()),
      message: Type.String(),
    }),
  ),
});
