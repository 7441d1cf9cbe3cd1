import { Type } from '@sinclair/typebox';
import { Password } from './common.js';

/** Confirming it is still you with your password, before changing your second factors (step-up). */
export const StepUpPasswordBody = Type.Object({ password: Password }, { additionalProperties: false });

export const StepUpDone = Type.Object({
  confirmedUntil: Type.Number({
    description:
      'until when (ms since the epoch) this session may add or remove second factors without confirming again',
  }),
});

/** What an admin's reset of someone's second factors took away. */
export const SecondFactorResetDone = Type.Object({
  passkeys: Type.Integer({ description: 'passkeys removed' }),
  totp: Type.Boolean({ description: 'an authenticator app was removed' }),
});
