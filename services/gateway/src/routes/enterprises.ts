/** Enterprise level (RAE, co-RAE; contact centre reads). */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { EnterpriseNumberParams, EnterpriseView } from '@um/contracts';
import { call } from '@um/platform';
import { callOptions } from '../plugins/auth.js';
import { bearer, problems } from './common.js';

export function enterpriseRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/enterprises/:enterpriseNumber',
    {
      config: { auth: 'role' },
      schema: {
        tags: ['enterprise'],
        summary: 'Enterprise details and its access manager contact (read only)',
        security: bearer,
        params: EnterpriseNumberParams,
        response: { 200: EnterpriseView, ...problems(400, 401, 403, 404, 503) },
      },
    },
    async (request) => call(broker, 'enterprise.get', request.params, callOptions(request)),
  );
}
