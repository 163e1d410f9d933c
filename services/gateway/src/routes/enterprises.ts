/** Enterprise level: details, qualities, co-access-managers, mandates, audit (RAE, co-RAE; contact centre reads). */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ActivateQualityBody,
  ActivateQualityResult,
  AuditPage,
  DesignateResult,
  EligibleQualities,
  EnterpriseNumberParams,
  EnterpriseView,
  ManagerList,
  ManagerView,
  Mandate,
  MandateQuery,
  PageQuery,
  PasswordResetBody,
  DesignationBody,
  DesignationEditBody,
  PersonLookupParams,
  PersonNames,
  PersonRefParams,
  QualityList,
} from '@um/contracts';
import { bearer, forward, problems } from './common.js';

type P = { enterpriseNumber: string; personId: string };

export function enterpriseRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = { config: { auth: 'role' as const } };
  const doc = (summary: string, tags = ['enterprise']) => ({ summary, tags, security: bearer });

  r.get('/enterprises/:enterpriseNumber', {
    ...base,
    schema: { ...doc('Enterprise details and its access manager contact (read only)'), params: EnterpriseNumberParams, response: { 200: EnterpriseView, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'enterprise.get', (req) => req.params as { enterpriseNumber: string }));

  r.get('/enterprises/:enterpriseNumber/qualities', {
    ...base,
    schema: { ...doc('Active qualities of the enterprise'), params: EnterpriseNumberParams, response: { 200: QualityList, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'quality.list', (req) => req.params as { enterpriseNumber: string }));

  r.get('/enterprises/:enterpriseNumber/eligible-qualities', {
    ...base,
    schema: { ...doc('Qualities the enterprise is eligible for, and whether each is active'), params: EnterpriseNumberParams, response: { 200: EligibleQualities, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'enterprise.eligibleQualities', (req) => req.params as { enterpriseNumber: string }));

  r.post('/enterprises/:enterpriseNumber/qualities', {
    ...base,
    schema: {
      ...doc('Activate an eligible quality and designate its local manager'),
      params: EnterpriseNumberParams,
      body: ActivateQualityBody,
      response: { 201: ActivateQualityResult, ...problems(400, 401, 403, 404, 409, 503) },
    },
  }, forward(broker, 'quality.activate', (req) => ({ ...(req.params as { enterpriseNumber: string }), body: req.body as z.input<typeof ActivateQualityBody> }), 201));

  // ---- co-access-managers (RAE only) ----
  const coRae = '/enterprises/:enterpriseNumber/co-access-managers';
  const tags = ['co-access-managers'];
  r.get(coRae, {
    ...base,
    schema: { ...doc('List the co-access-managers', tags), params: EnterpriseNumberParams, response: { 200: ManagerList, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'enterprise.listCoAccessManagers', (req) => req.params as { enterpriseNumber: string }));

  r.post(coRae, {
    ...base,
    schema: { ...doc('Designate a co-access-manager (by NISS: an existing person is reused)', tags), params: EnterpriseNumberParams, body: DesignationBody, response: { 201: DesignateResult, ...problems(400, 401, 403, 404, 409, 503) } },
  }, forward(broker, 'enterprise.designateCoAccessManager', (req) => ({ ...(req.params as { enterpriseNumber: string }), ...(req.body as z.input<typeof DesignationBody>) }), 201));

  r.patch(`${coRae}/:personId`, {
    ...base,
    schema: { ...doc("Edit a co-access-manager's names, title, language, e-mails, validity period", tags), params: PersonRefParams, body: DesignationEditBody, response: { 200: ManagerView, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'enterprise.editCoAccessManager', (req) => ({ ...(req.params as P), changes: req.body as z.input<typeof DesignationEditBody> })));

  r.delete(`${coRae}/:personId`, {
    ...base,
    schema: { ...doc('End the co-access-manager role (the person keeps other roles)', tags), params: PersonRefParams, response: { 204: z.null(), ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'enterprise.removeCoAccessManager', (req) => req.params as P, 204));

  for (const [verb, status] of [['block', 'blocked'], ['unblock', 'active']] as const) {
    r.post(`${coRae}/:personId/${verb}`, {
      ...base,
      schema: { ...doc(`${verb === 'block' ? 'Block' : 'Unblock'} a co-access-manager`, tags), params: PersonRefParams, response: { 200: ManagerView, ...problems(400, 401, 403, 404, 503) } },
    }, forward(broker, 'enterprise.setCoAccessManagerStatus', (req) => ({ ...(req.params as P), status })));
  }

  r.put(`${coRae}/:personId/password`, {
    ...base,
    schema: { ...doc("Reset a co-access-manager's password (their sessions end)", tags), params: PersonRefParams, body: PasswordResetBody, response: { 204: z.null(), ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'enterprise.resetCoAccessManagerPassword', (req) => ({ ...(req.params as P), body: req.body as { password: string } }), 204));

  r.get('/enterprises/:enterpriseNumber/persons/:niss', {
    ...base,
    schema: {
      ...doc('Look a person up by NISS before adding them: the names to pre-fill (404 when unknown)', ['persons']),
      params: PersonLookupParams,
      response: { 200: PersonNames, ...problems(400, 401, 403, 404, 503) },
    },
  }, forward(broker, 'identity.lookupPerson', (req) => req.params as { enterpriseNumber: string; niss: string }));

  // ---- mandates and audit ----
  r.get('/enterprises/:enterpriseNumber/mandates', {
    ...base,
    schema: {
      ...doc('Mandates the enterprise gave (direction=given, the default) or holds as mandatary (direction=received)'),
      params: EnterpriseNumberParams,
      querystring: MandateQuery,
      response: { 200: z.object({ items: z.array(Mandate) }), ...problems(400, 401, 403, 404, 503) },
    },
  }, forward(broker, 'enterprise.listMandates', (req) => ({ ...(req.params as { enterpriseNumber: string }), ...(req.query as z.input<typeof MandateQuery>) })));

  r.get('/enterprises/:enterpriseNumber/audit', {
    ...base,
    schema: { ...doc("Audit trail, newest first: whole for the RAE and co-RAEs, their quality's part for a GL/co-GL (changes of the quality and of the people holding a role in it)"), params: EnterpriseNumberParams, querystring: PageQuery, response: { 200: AuditPage, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'enterprise.listAudit', (req) => ({ ...(req.params as { enterpriseNumber: string }), ...(req.query as { page: number; pageSize: number }) })));
}
