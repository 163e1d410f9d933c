/**
 * The check secure applications call before opening. A session is enough (no chosen role): the
 * answer is about the session's person, whatever role they chose for User Management itself.
 */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuthorizationCheckQuery, AuthorizationCheckResult } from '@um/contracts';
import { bearer, forward, problems } from './common.js';

export function authorizationRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/authorizations/check', {
    config: { auth: 'session' },
    schema: {
      summary: "May the session's person open this application for this enterprise (and quality)?",
      description:
        'allowed: an active membership with the application granted, or GL/co-GL of the quality (all its applications); ' +
        'RAE/co-RAE only `user-management`. Answered from an in-memory projection kept current by events (a block or revoke is seen within 1 s).',
      tags: ['applications'],
      security: bearer,
      querystring: AuthorizationCheckQuery,
      response: { 200: AuthorizationCheckResult, ...problems(400, 401, 503) },
    },
  }, forward(broker, 'user-management.check', (req) => req.query as z.input<typeof AuthorizationCheckQuery>));
}
