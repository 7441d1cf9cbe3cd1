import type { FastifyReply } from 'fastify';

/** `__Host-`: Secure, Path=/, no Domain: the cookie cannot be set or read by another (sub)domain. */
export const SESSION_COOKIE = '__Host-medproof';

export function setSessionCookie(reply: FastifyReply, id: string, maxAgeSeconds: number): void {
  void reply.setCookie(SESSION_COOKIE, id, {
    path: '/',
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'strict' });
}
