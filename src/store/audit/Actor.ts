import type { ActorRole } from './appendAudit.js';

/** Who is acting, as every repository call and its audit row see it: taken from the session, never the body. */
export interface Actor {
  readonly id: string | null;
  readonly role: ActorRole;
  readonly ip: string | null;
}

export const systemActor: Actor = { id: null, role: 'system', ip: null };
