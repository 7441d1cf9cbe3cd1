import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Headers a proxy adds: a request carrying one came through it, whatever its socket says. */
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may read /metrics (queue sizes and replica names are not for the public). With a token: only
 * a request sending it as `Authorization: Bearer <token>`, from anywhere (a scraper through the
 * proxy). Without one: only a direct request from this machine. The socket's address, not the
 * trusted client address, and no proxy header: behind nginx on the same host every proxied request
 * comes from 127.0.0.1, so loopback alone would open it to everyone nginx serves.
 */
export function metricsAllowed(
  token: string | undefined,
  socketAddress: string | undefined,
  headers: IncomingHttpHeaders,
): boolean {
  if (token !== undefined) {
    const sent = headers.authorization;
    if (typeof sent !== 'string' || !sent.startsWith('Bearer ')) return false;
    // Compared as digests: equal length, constant time, whatever was sent.
    return timingSafeEqual(digest(sent.slice('Bearer '.length)), digest(token));
  }
  if (socketAddress === undefined || !LOOPBACK.test(socketAddress)) return false;
  return PROXY_HEADERS.every((h) => headers[h] === undefined);
}
