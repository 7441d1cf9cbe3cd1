import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AssertionBody,
  CeremonyOptions,
  CodeBody,
  StepUpDone,
  StepUpPasswordBody,
  withErrors,
} from '../../api/index.js';
import type { PortalDeps } from '../PortalDeps.js';
import { userActorOf } from './actorOf.js';

const STAFF = ['doctor', 'admin'] as const;
// As the sign-in step's codes: a stolen session guessing passwords here meets the account's code throttle too.
const CODE_LIMIT = { rateLimit: { max: 20, timeWindow: '1 minute' } };

/**
 * Step-up: a signed-in doctor or admin confirms it is still them (the password, a passkey, or a code
 * from the authenticator app) before the routes marked `stepUp` (their second factors, an admin's
 * reset of someone else's). Each passing confirmation counts for a few minutes, for this session only.
 */
export function stepUpRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const factors = deps.repos.secondFactors;
  const current = (request: FastifyRequest) => request.auth!;

  app.post(
    '/api/me/step-up/password',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Confirm it is you with your password, before changing your sign-in security',
        body: StepUpPasswordBody,
        response: withErrors({ 200: StepUpDone }),
      },
      config: { roles: STAFF, ...CODE_LIMIT },
    },
    async (request) => ({
      confirmedUntil: await factors.stepUpWithPassword(
        current(request),
        userActorOf(request),
        request.body.password,
      ),
    }),
  );

  app.post(
    '/api/me/step-up/totp',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Confirm it is you with a code from your authenticator app',
        body: CodeBody,
        response: withErrors({ 200: StepUpDone }),
      },
      config: { roles: STAFF, ...CODE_LIMIT },
    },
    async (request) => ({
      confirmedUntil: await factors.stepUpWithTotp(current(request), userActorOf(request), request.body.code),
    }),
  );

  app.post(
    '/api/me/step-up/passkey/options',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Start confirming it is you with one of your passkeys (WebAuthn authentication options)',
        response: withErrors({ 200: CeremonyOptions }),
      },
      config: { roles: STAFF },
    },
    async (request) => factors.stepUpOptions(current(request).user),
  );

  app.post(
    '/api/me/step-up/passkey',
    {
      schema: {
        tags: ['second factor'],
        summary: 'Confirm it is you with one of your passkeys',
        body: AssertionBody,
        response: withErrors({ 200: StepUpDone }),
      },
      config: { roles: STAFF, ...CODE_LIMIT },
    },
    async (request) => ({
      confirmedUntil: await factors.stepUpWithPasskey(
        current(request),
        userActorOf(request),
        request.body.challengeId,
        request.body.credential as AuthenticationResponseJSON,
      ),
    }),
  );
}
