/** Contact centre (back office). */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AdminPersonList,
  DesignateResult,
  EnterpriseNumberParams,
  EnterpriseSearchQuery,
  EnterpriseSearchResult,
  Mandate,
  MandateBody,
  MandateEndBody,
  MandateParams,
  ObjectId,
  OnboardEnterpriseBody,
  OnboardEnterpriseResult,
  PageQuery,
  PasswordResetBody,
  PersonAuditPage,
  PersonIdParams,
  PersonInput,
  PersonSearchQuery,
  QualityParams,
  QualityView,
  RegistryIdentifiersBody,
} from '@um/contracts';
import type { QualityType } from '@um/domain';
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

  r.patch('/admin/enterprises/:enterpriseNumber/qualities/:type', {
    ...base,
    schema: {
      ...doc("Change a quality's registry identifiers (employerRegistrationNumber, inamiNumber): the contact centre only"),
      params: QualityParams,
      body: RegistryIdentifiersBody,
      response: { 200: QualityView, ...problems(400, 401, 403, 404, 503) },
    },
  }, forward(broker, 'quality.updateRegistryIdentifiers', (req) => ({ ...(req.params as { enterpriseNumber: string; type: QualityType }), changes: req.body as z.input<typeof RegistryIdentifiersBody> })));

  r.get('/admin/enterprises', {
    ...base,
    schema: {
      ...doc('Find enterprises by number prefix (digits) or name prefix (case-insensitive); at most 50'),
      querystring: EnterpriseSearchQuery,
      response: { 200: EnterpriseSearchResult, ...problems(400, 401, 403, 503) },
    },
  }, forward(broker, 'enterprise.search', (req) => req.query as { q: string }));

  r.get('/admin/persons', {
    ...base,
    schema: {
      ...doc('Find a person by NISS or by username (exactly one), with every role they hold'),
      querystring: PersonSearchQuery,
      response: { 200: AdminPersonList, ...problems(400, 401, 403, 503) },
    },
  }, forward(broker, 'identity.findPersons', (req) => req.query as z.input<typeof PersonSearchQuery>));

  const person = z.strictObject({ personId: ObjectId });
  r.post('/admin/persons/:personId/unlock', {
    ...base,
    schema: { ...doc("Clear a person's login lock-out (audited)"), params: person, response: { 204: z.null(), ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'enterprise.adminUnlockPerson', (req) => req.params as { personId: string }, 204));

  r.put('/admin/persons/:personId/password', {
    ...base,
    schema: {
      ...doc('Reset the password of a person who forgot it (audited): their sessions end, and they must change it at the next login (login answers passwordChangeRequired: true; every other call 403 PASSWORD_CHANGE_REQUIRED until PUT /me/password)'),
      params: person,
      body: PasswordResetBody,
      response: { 204: z.null(), ...problems(400, 401, 403, 404, 503) },
    },
  }, forward(broker, 'enterprise.adminResetPassword', (req) => ({ ...(req.params as { personId: string }), body: req.body as { password: string } }), 204));

  type M = { enterpriseNumber: string; mandateId: string };
  r.patch('/admin/enterprises/:enterpriseNumber/mandates/:mandateId', {
    ...base,
    schema: {
      ...doc('End a mandate on a date (validTo); routing rules relying on it become mandate-ended once it no longer covers today'),
      params: MandateParams,
      body: MandateEndBody,
      response: { 200: Mandate, ...problems(400, 401, 403, 404, 503) },
    },
  }, forward(broker, 'enterprise.endMandate', (req) => ({ ...(req.params as M), body: req.body as { validTo: string } })));

  r.delete('/admin/enterprises/:enterpriseNumber/mandates/:mandateId', {
    ...base,
    schema: { ...doc('Revoke a mandate: the routing rules relying on it become mandate-ended'), params: MandateParams, response: { 204: z.null(), ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'enterprise.revokeMandate', (req) => req.params as M, 204));
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
