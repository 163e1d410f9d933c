/**
 * Bearer-token authentication, then authorisation by role kind, before the body is read or
 * validated: a caller without a session gets 401 and a role that can never use the route 403,
 * whatever the body holds. Each route says what it needs in `config.auth`: nothing, a session
 * (`/me*`, role choice, logout), or a session with a chosen role (everything else). The identity
 * service checks the token; what it answered is kept for at most UM_SESSION_CACHE_MS and dropped
 * at once when a logout, block or password change is broadcast (principal-cache.ts).
 * The role check uses the rights table (libs/domain): the capability of the route and the role
 * kinds that hold it. Whether the role reaches this enterprise or quality stays the owning
 * service's decision (it knows the target).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CallMeta, Principal } from '@um/contracts';
import { CAPABILITIES, routeRule, type RoleKind } from '@um/domain';
import type { PrincipalCache } from '../principal-cache.js';
import { sendProblem } from './problems.js';

export type AuthRequirement = 'none' | 'session' | 'role';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
    /** Role kinds that may call a `role` route at all (set from the rights table when the route is added). */
    roleKinds?: readonly RoleKind[];
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,200})$/;
const PASSWORD_CHANGE_ROUTES = new Set(['PUT /api/v1/me/password', 'POST /api/v1/auth/logout']);

/** The prefix of the API routes, which the rights table leaves out of its paths. */
const API_PREFIX = '/api/v1';

export function registerAuth(app: FastifyInstance, principals: PrincipalCache): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (route) => {
    if (route.config?.auth !== 'role') return;
    const methods = [route.method].flat().map((m) => (m === 'HEAD' ? 'GET' : m));
    const path = route.url.startsWith(API_PREFIX) ? route.url.slice(API_PREFIX.length) : route.url;
    const kinds = new Set<RoleKind>();
    for (const method of methods) {
      const capability = routeRule(method, path)?.capability;
      // A route without its rule would be decided by nobody at the gateway: refuse to start.
      if (!capability) throw new Error(`the rights table (libs/domain ROUTE_RULES) has no capability for ${method} ${path}`);
      for (const kind of CAPABILITIES[capability].roles) kinds.add(kind);
    }
    route.config = { ...route.config, roleKinds: [...kinds] };
  });
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    const requirement = config.auth ?? 'none';
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
    if (requirement !== 'role') return;
    const role = request.principal.role;
    if (!role) return sendProblem(request, reply, 'ROLE_NOT_CHOSEN', 'choose a role first (POST /api/v1/auth/session/role)');
    if (config.roleKinds && !config.roleKinds.includes(role.kind)) {
      return sendProblem(request, reply, 'FORBIDDEN', 'the chosen role may not use this route');
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
