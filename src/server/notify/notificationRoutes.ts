import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { NotificationPrefsSchema, withErrors } from '../../api/index.js';
import type { PortalDeps } from '../PortalDeps.js';
import { userActorOf } from '../auth/actorOf.js';

/** A user's notification preferences (the optional kinds; codes, invitations and reset links always go). */
export function notificationRoutes(base: FastifyInstance, deps: PortalDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const prefs = deps.repos.notificationPrefs;
  app.get(
    '/api/me/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Which notifications you receive by email',
        response: withErrors({ 200: NotificationPrefsSchema }),
      },
    },
    (request) => prefs.get(request.auth!.user.id),
  );
  app.put(
    '/api/me/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Turn notifications on or off (only the kinds named change)',
        body: NotificationPrefsSchema,
        response: withErrors({ 200: NotificationPrefsSchema }),
      },
    },
    (request) => prefs.set(userActorOf(request), request.body),
  );
}
