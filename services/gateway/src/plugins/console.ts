/**
 * Serves the web console (services/console, built by Vite) at `/`, same origin as `/api/v1`.
 * Hashed assets are immutable and cached for a year; index.html is never cached, so a new
 * release is picked up at the next visit. The console's pages get a strict CSP of their own (no
 * inline script or style), replacing the gateway's default one that the Swagger UI needs.
 * Client routes (`/users`, `/me/password`, …) fall back to index.html; `/api`, `/scim`, `/docs`,
 * `/health` and unknown asset paths never do: they keep their own 404 problems.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths that belong to the API and operations: a miss there is a 404 problem, never the console. */
const RESERVED = /^\/(api|scim|docs|health|assets)(\/|$)/;

/** Where the console's build lands, next to the gateway in the repository and in the image. */
export const DEFAULT_CONSOLE_DIR = path.resolve(__dirname, '../../../console/dist');

export async function registerConsole(app: FastifyInstance, dir: string = DEFAULT_CONSOLE_DIR): Promise<void> {
  const indexFile = path.join(dir, 'index.html');
  if (!fs.existsSync(indexFile)) {
    app.log.warn({ dir }, 'web console not built (npm run build): / is not served');
    return;
  }
  const index = fs.readFileSync(indexFile);
  await app.register(fastifyStatic, {
    root: path.join(dir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    // File names carry a content hash: a changed file is a new name.
    immutable: true,
    maxAge: '365d',
  });
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    // A client route has no file extension; `/favicon.ico` and friends are plain misses.
    if (RESERVED.test(pathname) || /\.[A-Za-z0-9]+$/.test(pathname)) return reply.callNotFound();
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONSOLE_CSP)
      .send(index);
  };
  app.get('/', { schema: { hide: true } }, page);
  app.get('/*', { schema: { hide: true } }, page);
}
