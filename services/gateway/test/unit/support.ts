/**
 * The gateway built as in production (buildApp) over a stand-in broker: tests of what the gateway
 * itself answers (problems, hook order, OpenAPI, CORS) without NATS or any service. `answers` maps
 * an action to what the stand-in returns; identity.authenticate knows the tokens of `sessions`.
 */
import type { FastifyInstance, FastifyPluginAsync, onRequestHookHandler } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { AuthenticatedSession, RoleView } from '@um/contracts';
import { GatewayConfig, createLogger } from '@um/platform';
import { buildApp } from '../../src/app.js';
import { PrincipalCache } from '../../src/principal-cache.js';

// @fastify/swagger-ui loads an ES module that jest cannot require without --experimental-vm-modules;
// this stand-in serves what the tests read (/docs and /docs/json, with the plugin's `uiHooks`).
// The real plugin is exercised by the end-to-end suites.
jest.mock('@fastify/swagger-ui', () => {
  const plugin: FastifyPluginAsync<{ routePrefix: string; uiHooks?: { onRequest?: onRequestHookHandler } }> = async (app, opts) => {
    const hooks = opts.uiHooks?.onRequest ? { onRequest: opts.uiHooks.onRequest } : {};
    app.get(opts.routePrefix, { schema: { hide: true }, ...hooks }, async (_req, reply) => reply.type('text/html').send('<html></html>'));
    app.get(`${opts.routePrefix}/json`, { schema: { hide: true }, ...hooks }, async () => app.swagger());
  };
  return { __esModule: true, default: plugin };
});

export const EN = '0403170701';

/** Bearer tokens (20+ URL-safe characters) of the stand-in sessions. */
export const TOKENS = {
  noRole: 'token-no-role-000000000001',
  rae: 'token-rae-00000000000000001',
  gl: 'token-gl-000000000000000001',
  user: 'token-user-0000000000000001',
  operator: 'token-operator-00000000001',
} as const;

const ROLES: Record<keyof typeof TOKENS, RoleView | undefined> = {
  noRole: undefined,
  rae: { id: 'r1', kind: 'access-manager', enterpriseNumber: EN },
  gl: { id: 'r2', kind: 'local-manager', enterpriseNumber: EN, quality: 'employer' },
  user: { id: 'r3', kind: 'user', enterpriseNumber: EN, quality: 'employer' },
  operator: { id: 'r4', kind: 'contact-centre' },
};

export class UnknownToken extends Error {
  type = 'UNAUTHENTICATED';
}

export interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface StandIn {
  app: FastifyInstance;
  /** The actions the gateway called, in order. */
  calls: string[];
  /** One request over real HTTP (light-my-request, behind app.inject, is an ES module too). */
  send(options: { method: string; url: string; headers?: Record<string, string>; payload?: string | Buffer }): Promise<Answer>;
}

export async function buildTestApp(env: Record<string, string> = {}, answers: Record<string, unknown> = {}): Promise<StandIn> {
  const calls: string[] = [];
  const authenticate = async (token: string): Promise<AuthenticatedSession> => {
    const name = (Object.keys(TOKENS) as Array<keyof typeof TOKENS>).find((k) => TOKENS[k] === token);
    if (!name) throw new UnknownToken('unknown token');
    const role = ROLES[name];
    return { principal: { personId: `p-${name}`, sessionId: `s-${name}`, ...(role ? { role } : {}) }, validUntil: Date.now() + 60_000 } as AuthenticatedSession;
  };
  const broker = {
    call: async (action: string) => {
      calls.push(action);
      const answer = answers[action];
      if (answer instanceof Error) throw answer;
      return answer ?? {};
    },
    transit: { connected: true },
  } as unknown as ServiceBroker;
  const config = GatewayConfig.parse({ LOG_LEVEL: 'silent', ...env });
  const app = await buildApp({ broker, principals: new PrincipalCache(0, authenticate), config, logger: createLogger({ service: 'gateway', level: 'silent' }) });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const send: StandIn['send'] = async ({ method, url, headers = {}, payload }) => {
    const res = await fetch(`${base}${url}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  };
  return { app, calls, send };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
