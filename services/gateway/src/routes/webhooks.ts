/** An enterprise's webhooks (RAE, co-RAE): administrative events POSTed to a receiver of theirs, and the delivery log. */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EnterpriseNumberParams, PageQuery, WebhookBody, WebhookCreated, WebhookDeliveryPage, WebhookList, WebhookParams } from '@um/contracts';
import { bearer, forward, problems } from './common.js';

type P = { enterpriseNumber: string; webhookId: string };

export function webhookRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = { config: { auth: 'role' as const } };
  const doc = (summary: string) => ({ summary, tags: ['events'], security: bearer });

  r.post('/enterprises/:enterpriseNumber/webhooks', {
    ...base,
    schema: {
      ...doc('Register a webhook: every administrative event of the enterprise (or of the kinds given) is POSTed, signed, to the URL; the secret is shown this once'),
      params: EnterpriseNumberParams,
      body: WebhookBody,
      response: { 201: WebhookCreated, ...problems(400, 401, 403, 404, 409, 503) },
    },
  }, forward(broker, 'enterprise.createWebhook', (req) => ({ ...(req.params as { enterpriseNumber: string }), body: req.body as z.input<typeof WebhookBody> }), 201));

  r.get('/enterprises/:enterpriseNumber/webhooks', {
    ...base,
    schema: { ...doc("The enterprise's webhooks (without their secrets)"), params: EnterpriseNumberParams, response: { 200: WebhookList, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'enterprise.listWebhooks', (req) => req.params as { enterpriseNumber: string }));

  r.delete('/enterprises/:enterpriseNumber/webhooks/:webhookId', {
    ...base,
    schema: { ...doc('Remove a webhook: nothing more is sent to it, its pending deliveries included'), params: WebhookParams, response: { 204: z.null(), ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'enterprise.deleteWebhook', (req) => req.params as P, 204));

  r.get('/enterprises/:enterpriseNumber/webhooks/:webhookId/deliveries', {
    ...base,
    schema: {
      ...doc("The webhook's delivery log, newest event first: attempts, last status, next attempt"),
      params: WebhookParams,
      querystring: PageQuery,
      response: { 200: WebhookDeliveryPage, ...problems(400, 401, 403, 404, 503) },
    },
  }, forward(broker, 'enterprise.listWebhookDeliveries', (req) => ({ ...(req.params as P), ...(req.query as { page: number; pageSize: number }) })));
}
