/**
 * Bearer-token authentication. Each route says what it needs in `config.auth`: nothing, a session
 * (`/me*`, role choice, logout), or a session with a chosen role (everything else). The identity
 * service checks the token; what it answered is kept for at most UM_SESSION_CACHE_MS and dropped
 * at once when a logout, block or password change is broadcast (principal-cache.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CallMeta, Principal } from '@um/contracts';
import type { PrincipalCache } from '../principal-cache.js';
import { sendProblem } from './problems.js';

export type AuthRequirement = 'none' | 'session' | 'role';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,200})$/;
const PASSWORD_CHANGE_ROUTES = new Set(['PUT /api/v1/me/password', 'POST /api/v1/auth/logout']);

export function registerAuth(app: FastifyInstance, principals: PrincipalCache): void {
  app.decorateRequest('principal', undefined);
  app.addHook('preHandler', async (request, reply) => {
    const requirement = request.routeOptions.config.auth ?? 'none';
    if (requirement === 'none') return;
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match?.[1]) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(request, reply, 'UNAUTHENTICATED', 'a bearer token is required');
    }
    try {
      request.principal = await principals.principalOf(match[1], request.id);
    } catch (err) {
      if ((err as { type?: string }).type === 'UNAUTHENTICATED') {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        return sendProblem(request, reply, 'UNAUTHENTICATED', 'the session is missing, expired or ended');
      }
      throw err;
    }
    // After a contact-centre reset, the new password is changed before anything else (logging out aside).
    if (request.principal.passwordChangeRequired && !PASSWORD_CHANGE_ROUTES.has(`${request.method} ${request.routeOptions.url}`)) {
      return sendProblem(request, reply, 'PASSWORD_CHANGE_REQUIRED', 'change your password first (PUT /api/v1/me/password)');
    }
    if (requirement === 'role' && !request.principal.role) {
      return sendProblem(request, reply, 'ROLE_NOT_CHOSEN', 'choose a role first (POST /api/v1/auth/session/role)');
    }
  });
}

/** The meta every service call from a request carries: who calls, from where, and the request id. */
export function callOptions(request: FastifyRequest): { meta: CallMeta; requestID: string } {
  return {
    meta: { ...(request.principal ? { principal: request.principal } : {}), sourceIp: request.ip },
    requestID: request.id,
  };
}
