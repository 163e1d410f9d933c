/** Quality level: details, local manager, co-local-managers, technical user. */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  DesignateResult,
  ManagerList,
  ManagerView,
  PasswordResetBody,
  DesignationBody,
  DesignationEditBody,
  PersonInput,
  QualityParams,
  QualityPersonParams,
  QualityView,
  TechnicalUserBody,
  UpdateQualityBody,
} from '@um/contracts';
import type { QualityType } from '@um/domain';
import { bearer, forward, problems } from './common.js';

type Q = { enterpriseNumber: string; type: QualityType };
type QP = Q & { personId: string };

export function qualityRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = { config: { auth: 'role' as const } };
  const doc = (summary: string, tags = ['quality']) => ({ summary, tags, security: bearer });
  const quality = '/enterprises/:enterpriseNumber/qualities/:type';

  r.get(quality, {
    ...base,
    schema: { ...doc('Quality details, its applications, local manager and technical user'), params: QualityParams, response: { 200: QualityView, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'quality.get', (req) => req.params as Q));

  r.patch(quality, {
    ...base,
    schema: { ...doc('Change the contact e-mail or the type-specific data (registry identifiers: the contact centre only, 403 REGISTRY_IDENTIFIER_CONTACT_CENTRE_ONLY)'), params: QualityParams, body: UpdateQualityBody, response: { 200: QualityView, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'quality.update', (req) => ({ ...(req.params as Q), changes: req.body as z.input<typeof UpdateQualityBody> })));

  r.put(`${quality}/local-manager`, {
    ...base,
    schema: { ...doc('Designate or change the local manager (the previous one loses the role)'), params: QualityParams, body: PersonInput, response: { 200: DesignateResult, ...problems(400, 401, 403, 404, 409, 503) } },
  }, forward(broker, 'quality.designateLocalManager', (req) => ({ ...(req.params as Q), person: req.body as z.input<typeof PersonInput> })));

  r.put(`${quality}/technical-user`, {
    ...base,
    schema: {
      ...doc('Designate the technical user: an active member by personId, or a person by NISS (reused or created as a user)'),
      params: QualityParams,
      body: TechnicalUserBody,
      response: { 200: DesignateResult, ...problems(400, 401, 403, 404, 409, 503) },
    },
  }, forward(broker, 'quality.designateTechnicalUser', (req) => ({ ...(req.params as Q), body: req.body as z.input<typeof TechnicalUserBody> })));

  const coGl = `${quality}/co-local-managers`;
  const tags = ['co-local-managers'];
  r.get(coGl, {
    ...base,
    schema: { ...doc('List the co-local-managers', tags), params: QualityParams, response: { 200: ManagerList, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'quality.listCoLocalManagers', (req) => req.params as Q));

  r.post(coGl, {
    ...base,
    schema: { ...doc('Designate a co-local-manager (by NISS: an existing person is reused)', tags), params: QualityParams, body: DesignationBody, response: { 201: DesignateResult, ...problems(400, 401, 403, 404, 409, 503) } },
  }, forward(broker, 'quality.designateCoLocalManager', (req) => ({ ...(req.params as Q), person: req.body as z.input<typeof DesignationBody> }), 201));

  r.get(`${coGl}/:personId`, {
    ...base,
    schema: { ...doc('A co-local-manager of the quality', tags), params: QualityPersonParams, response: { 200: ManagerView, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'quality.getCoLocalManager', (req) => req.params as QP));

  r.patch(`${coGl}/:personId`, {
    ...base,
    schema: { ...doc("Edit a co-local-manager's names, title, language, e-mails, validity period", tags), params: QualityPersonParams, body: DesignationEditBody, response: { 200: ManagerView, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'quality.editCoLocalManager', (req) => ({ ...(req.params as QP), changes: req.body as z.input<typeof DesignationEditBody> })));

  r.put(`${coGl}/:personId/password`, {
    ...base,
    schema: { ...doc("Reset a co-local-manager's password (their sessions end)", tags), params: QualityPersonParams, body: PasswordResetBody, response: { 204: z.null(), ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'quality.resetCoLocalManagerPassword', (req) => ({ ...(req.params as QP), body: req.body as { password: string } }), 204));

  r.delete(`${coGl}/:personId`, {
    ...base,
    schema: { ...doc('End the co-local-manager role (the person keeps other roles)', tags), params: QualityPersonParams, response: { 204: z.null(), ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'quality.removeCoLocalManager', (req) => req.params as QP, 204));

  for (const [verb, status] of [['block', 'blocked'], ['unblock', 'active']] as const) {
    r.post(`${coGl}/:personId/${verb}`, {
      ...base,
      schema: { ...doc(`${verb === 'block' ? 'Block' : 'Unblock'} a co-local-manager`, tags), params: QualityPersonParams, response: { 200: ManagerView, ...problems(400, 401, 403, 404, 503) } },
    }, forward(broker, 'quality.setCoLocalManagerStatus', (req) => ({ ...(req.params as QP), status })));
  }
}
