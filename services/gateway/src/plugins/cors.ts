/**
 * CORS for the browser pages of other origins (a portal front end) named in UM_CORS_ORIGINS, and
 * for them only: an exact match of the `Origin` header. With no origin configured nothing is
 * registered and no CORS header is ever sent. A preflight from an allowed origin answers 204 with
 * what may be sent; from any other origin it gets no allow header (and the 405/404 any unknown
 * method gets), so the browser refuses the call.
 */
import type { FastifyInstance } from 'fastify';

const METHODS = 'GET, POST, PUT, PATCH, DELETE';
const REQUEST_HEADERS = 'authorization, content-type, accept-language, x-request-id, traceparent, tracestate';
/** Answer headers a page may read besides the CORS-safelisted ones. */
const EXPOSED = 'x-request-id, retry-after, www-authenticate, allow';
/** How long a browser may keep a preflight's answer (seconds). */
const MAX_AGE = '600';

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    // The answer depends on Origin whenever CORS is on: caches must keep one per origin.
    reply.header('vary', 'Origin');
    if (typeof origin !== 'string' || !allowed.has(origin)) return;
    reply.header('access-control-allow-origin', origin);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      return reply
        .code(204)
        .headers({ 'access-control-allow-methods': METHODS, 'access-control-allow-headers': REQUEST_HEADERS, 'access-control-max-age': MAX_AGE })
        .send();
    }
    reply.header('access-control-expose-headers', EXPOSED);
  });
}
