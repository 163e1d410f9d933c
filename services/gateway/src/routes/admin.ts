/** Contact centre (back office). */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { DesignateResult, EnterpriseNumberParams, Mandate, MandateBody, OnboardEnterpriseBody, OnboardEnterpriseResult, PageQuery, PersonAuditPage, PersonIdParams, PersonInput } from '@um/contracts';
import { bearer, forward, problems } from './common.js';

export function adminRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = { config: { auth: 'role' as const } };
  const doc = (summary: string) => ({ summary, tags: ['contact centre'], security: bearer });

  r.post('/admin/enterprises', {
    ...base,
    schema: { ...doc('Onboard an enterprise with its access manager (RAE)'), body: OnboardEnterpriseBody, response: { 201: OnboardEnterpriseResult, ...problems(400, 401, 403, 409, 503) } },
  }, forward(broker, 'enterprise.onboard', (req) => req.body as z.input<typeof OnboardEnterpriseBody>, 201));

  r.put('/admin/enterprises/:enterpriseNumber/access-manager', {
    ...base,
    schema: {
      ...doc('Replace the access manager: the new one gets the role, the old one loses it and its RAE sessions end'),
      params: EnterpriseNumberParams,
      body: PersonInput,
      response: { 200: DesignateResult, ...problems(400, 401, 403, 404, 409, 503) },
    },
  }, forward(broker, 'enterprise.replaceAccessManager', (req) => ({ ...(req.params as { enterpriseNumber: string }), ...(req.body as z.input<typeof PersonInput>) })));

  r.post('/admin/enterprises/:enterpriseNumber/mandates', {
    ...base,
    schema: { ...doc('Register a mandate: a mandatary enterprise acts for this one for some declaration types'), params: EnterpriseNumberParams, body: MandateBody, response: { 201: Mandate, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'enterprise.registerMandate', (req) => ({ ...(req.params as { enterpriseNumber: string }), mandate: req.body as z.input<typeof MandateBody> }), 201));

  r.get('/admin/persons/:personId/audit', {
    ...base,
    schema: {
      ...doc("A person's audit trail, newest first: logins (with source address), failures and lock-outs, password changes and resets, certificates, language and e-mail changes"),
      params: PersonIdParams,
      querystring: PageQuery,
      response: { 200: PersonAuditPage, ...problems(400, 401, 403, 503) },
    },
  }, forward(broker, 'identity.listPersonAudit', (req) => ({ ...(req.params as { personId: string }), ...(req.query as { page: number; pageSize: number }) })));
}
