import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** The built UI (`dist/web`), found from the package root whether running from src/ or dist/. */
export function webRoot(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const web = join(dir, 'dist', 'web');
      return existsSync(join(web, 'index.html')) ? web : undefined;
    }
  }
  return undefined;
}

function filesUnder(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(root, path) : [path];
  });
}

/**
 * Serves the browser UI from memory: the built files are read once at start into a fixed map, so no
 * request path ever reaches the file system. Hashed assets are cached for a year; every page route
 * (`/`, `/patient`, `/s/<token>`…) gets index.html, which is never cached. Unknown `/api/…` paths
 * stay JSON 404s.
 */
export function serveWeb(app: FastifyInstance, root: string): void {
  const files = new Map<string, { body: Buffer; type: string; immutable: boolean }>();
  for (const path of filesUnder(root)) {
    const url = `/${relative(root, path).split('\\').join('/')}`;
    files.set(url, {
      body: readFileSync(path),
      type: TYPES[extname(path)] ?? 'application/octet-stream',
      immutable: url.startsWith('/assets/'),
    });
  }
  const index = files.get('/index.html')!;

  app.get('/*', { schema: { hide: true }, config: { public: true } }, (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (path.startsWith('/api/'))
      return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such route' } });
    const file = files.get(path);
    if (file) {
      return reply
        .header('content-type', file.type)
        .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .send(file.body);
    }
    if (extname(path) !== '')
      return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such file' } });
    return reply.header('content-type', index.type).header('cache-control', 'no-store').send(index.body);
  });
}
