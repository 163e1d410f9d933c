/** A quality's SCIM tokens (quality service): created with the secret shown once, listed without it, revoked. */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CreateScimTokenBody, CreateScimTokenResult, QualityParams, ScimTokenList, ScimTokenParams } from '@um/contracts';
import type { QualityType } from '@um/domain';
import { bearer, forward, problems } from './common.js';

type Q = { enterpriseNumber: string; type: QualityType };

export function scimTokenRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = { config: { auth: 'role' as const } };
  const doc = (summary: string) => ({ summary, tags: ['scim'], security: bearer });
  const tokens = '/enterprises/:enterpriseNumber/qualities/:type/scim-tokens';

  r.post(tokens, {
    ...base,
    schema: {
      ...doc('Create a SCIM token for an HR system (the token is in this answer only; /scim/v2/{enterpriseNumber}/{type} accepts it until revoked)'),
      params: QualityParams,
      body: CreateScimTokenBody,
      response: { 201: CreateScimTokenResult, ...problems(400, 401, 403, 404, 503) },
    },
  }, forward(broker, 'quality.createScimToken', (req) => ({ ...(req.params as Q), body: req.body as z.input<typeof CreateScimTokenBody> }), 201));

  r.get(tokens, {
    ...base,
    schema: { ...doc("The quality's SCIM tokens (never their secrets)"), params: QualityParams, response: { 200: ScimTokenList, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'quality.listScimTokens', (req) => req.params as Q));

  r.delete(`${tokens}/:tokenId`, {
    ...base,
    schema: { ...doc('Revoke a SCIM token (the next SCIM request with it answers 401)'), params: ScimTokenParams, response: { 204: z.null(), ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'quality.revokeScimToken', (req) => req.params as Q & { tokenId: string }, 204));
}
