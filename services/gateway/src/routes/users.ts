/** Users of a quality and enterprise-wide search (user-management service). */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  EnterpriseNumberParams,
  PasswordResetBody,
  QualityParams,
  QualityUserSearchQuery,
  RegisterUserBody,
  RegisterUserResult,
  UserParams,
  UserPatchBody,
  UserSearchQuery,
  UserSearchResult,
  UserView,
} from '@um/contracts';
import type { QualityType } from '@um/domain';
import { bearer, forward, problems } from './common.js';

type Q = { enterpriseNumber: string; type: QualityType };
type QP = Q & { personId: string };

export function userRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = { config: { auth: 'role' as const } };
  const doc = (summary: string, description?: string) => ({ summary, ...(description ? { description } : {}), tags: ['users'], security: bearer });
  const searchHelp =
    'Case-insensitive prefix on username, firstName, lastName, title and email; NISS by prefix (11 digits: exact); ' +
    '`application` needs a quality; `sort` lastName (default), firstName or username, then a stable order; pageSize at most 100.';

  r.get('/enterprises/:enterpriseNumber/users', {
    ...base,
    schema: { ...doc("Search users across all the enterprise's qualities (RAE, co-RAE)", searchHelp), params: EnterpriseNumberParams, querystring: UserSearchQuery, response: { 200: UserSearchResult, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'user-management.searchEnterprise', (req) => ({ ...(req.params as { enterpriseNumber: string }), query: req.query as z.input<typeof UserSearchQuery> })));

  const users = '/enterprises/:enterpriseNumber/qualities/:type/users';
  r.get(users, {
    ...base,
    schema: { ...doc('Search the users of a quality', searchHelp), params: QualityParams, querystring: QualityUserSearchQuery, response: { 200: UserSearchResult, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'user-management.searchQuality', (req) => ({ ...(req.params as Q), query: req.query as z.input<typeof QualityUserSearchQuery> })));

  r.post(users, {
    ...base,
    schema: {
      ...doc('Register a user by NISS (an existing person is reused; applications from the quality\'s catalogue)'),
      params: QualityParams,
      body: RegisterUserBody,
      response: { 201: RegisterUserResult, ...problems(400, 401, 403, 404, 409, 503) },
    },
  }, forward(broker, 'user-management.register', (req) => ({ ...(req.params as Q), body: req.body as z.input<typeof RegisterUserBody> }), 201));

  r.get(`${users}/:personId`, {
    ...base,
    schema: { ...doc('A member of the quality'), params: UserParams, response: { 200: UserView, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'user-management.get', (req) => req.params as QP));

  r.patch(`${users}/:personId`, {
    ...base,
    schema: { ...doc("Change a user's language, e-mails, applications or company e-mail"), params: UserParams, body: UserPatchBody, response: { 200: UserView, ...problems(400, 401, 403, 404, 409, 503) } },
  }, forward(broker, 'user-management.update', (req) => ({ ...(req.params as QP), changes: req.body as z.input<typeof UserPatchBody> })));

  r.delete(`${users}/:personId`, {
    ...base,
    schema: { ...doc('End the membership (the person keeps other roles)'), params: UserParams, response: { 204: z.null(), ...problems(400, 401, 403, 404, 409, 503) } },
  }, forward(broker, 'user-management.remove', (req) => req.params as QP, 204));

  for (const [verb, status] of [['block', 'blocked'], ['unblock', 'active']] as const) {
    r.post(`${users}/:personId/${verb}`, {
      ...base,
      schema: { ...doc(`${verb === 'block' ? 'Block' : 'Unblock'} a user's membership (a block ends its sessions and every authorization)`), params: UserParams, response: { 200: UserView, ...problems(400, 401, 403, 404, 409, 503) } },
    }, forward(broker, 'user-management.setStatus', (req) => ({ ...(req.params as QP), status })));
  }

  r.put(`${users}/:personId/password`, {
    ...base,
    schema: { ...doc("Reset a user's password (their sessions end)"), params: UserParams, body: PasswordResetBody, response: { 204: z.null(), ...problems(400, 401, 403, 404, 409, 503) } },
  }, forward(broker, 'user-management.resetPassword', (req) => ({ ...(req.params as QP), body: req.body as { password: string } }), 204));
}
