import { Type } from '@sinclair/typebox';
import { ReceiptSchema } from '../../core/receipt/receiptSchema.js';

const Check = Type.Object({
  check: Type.String(),
  status: Type.Union(['VALID', 'INVALID', 'ERROR', 'SKIPPED'].map((s) => Type.Literal(s))),
  code: Type.String(),
  message: Type.String(),
});

/** A verification answer: the verdict, its deciding code, every check, and the chain's facts. */
export const VerificationSchema = Type.Object(
  {
    verdict: Type.Union(
      ['VALID', 'TAMPERED', 'NOT_ANCHORED', 'PENDING', 'REVOKED', 'UNKNOWN_ISSUER', 'ERROR'].map((s) =>
        Type.Literal(s),
      ),
    ),
    code: Type.String(),
    message: Type.String(),
    docHash: Type.String(),
    checks: Type.Array(Check),
    anchor: Type.Optional(
      Type.Object({
        root: Type.String(),
        chainId: Type.Number(),
        registry: Type.String(),
        txHash: Type.Optional(Type.String()),
        anchorer: Type.String(),
        anchoredAt: Type.Number(),
        blockNumber: Type.Number(),
        leafCount: Type.Number(),
      }),
    ),
    revocation: Type.Optional(
      Type.Object({ revokedAt: Type.Number(), reason: Type.Number(), reasonName: Type.String() }),
    ),
    issuer: Type.Optional(Type.String()),
    issuerName: Type.Optional(Type.String()),
    receipt: Type.Optional(Type.Union([Type.Ref(ReceiptSchema), Type.Null()])),
  },
  { $id: 'Verification' },
);
