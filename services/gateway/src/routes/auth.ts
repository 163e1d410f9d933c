/** Sessions: password login, role choice, logout (PRODUCT.md §5). */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChooseRoleBody, ChooseRoleResult, LoginBody, LoginResult } from '@um/contracts';
import { call } from '@um/platform';
import { callOptions } from '../plugins/auth.js';
import { bearer, problems } from './common.js';

export function authRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/auth/login',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['sessions'],
        summary: 'Log in with username and password; lists every role of the person',
        body: LoginBody,
        response: { 200: LoginResult, ...problems(400, 401, 423, 503) },
      },
    },
    async (request) => call(broker, 'identity.login', { ...request.body, sourceIp: request.ip }, callOptions(request)),
  );

  r.post(
    '/auth/session/role',
    {
      config: { auth: 'session' },
      schema: {
        tags: ['sessions'],
        summary: 'Choose the role of the session; returns a role-scoped token and its capabilities',
        security: bearer,
        body: ChooseRoleBody,
        response: { 200: ChooseRoleResult, ...problems(400, 401, 404, 503) },
      },
    },
    async (request) => call(broker, 'identity.chooseRole', request.body, callOptions(request)),
  );

  r.post(
    '/auth/logout',
    {
      config: { auth: 'session' },
      schema: { tags: ['sessions'], summary: 'End the session: its token no longer works', security: bearer, response: { 204: z.null(), ...problems(401, 503) } },
    },
    async (request, reply) => {
      await call(broker, 'identity.logout', {}, callOptions(request));
      return reply.code(204).send(null);
    },
  );
}
