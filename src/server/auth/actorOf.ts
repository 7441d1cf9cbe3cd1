import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../store/index.js';

/** Where a request came from, for the audit log (the client address as the trusted proxy reports it). */
export const clientIp = (request: FastifyRequest): string => request.ip;

/** The caller as repositories see it: from the session (or anonymous), never from the request body. */
export function actorOf(request: FastifyRequest): Actor {
  const user = request.auth?.user;
  return { id: user?.id ?? null, role: user?.role ?? 'anonymous', ip: clientIp(request) };
}

/** The signed-in caller (routes that are not public run only with a session). */
export function userActorOf(request: FastifyRequest): Actor & { id: string } {
  const user = request.auth!.user;
  return { id: user.id, role: user.role, ip: clientIp(request) };
}
