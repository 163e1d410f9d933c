/** Contact centre (back office). */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { OnboardEnterpriseBody, OnboardEnterpriseResult } from '@um/contracts';
import { call } from '@um/platform';
import { callOptions } from '../plugins/auth.js';
import { bearer, problems } from './common.js';

export function adminRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/admin/enterprises',
    {
      config: { auth: 'role' },
      schema: {
        tags: ['contact centre'],
        summary: 'Onboard an enterprise with its access manager (RAE)',
        security: bearer,
        body: OnboardEnterpriseBody,
        response: { 201: OnboardEnterpriseResult, ...problems(400, 401, 403, 409, 503) },
      },
    },
    async (request, reply) => {
      const result = await call(broker, 'enterprise.onboard', request.body, callOptions(request));
      return reply.code(201).send(result);
    },
  );
}
