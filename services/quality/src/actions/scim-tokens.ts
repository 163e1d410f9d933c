/**
 * A quality's SCIM tokens: the bearer secrets with which an HR system provisions the quality's
 * users over /scim/v2. Created (the secret shown once), listed (without secrets) and revoked by
 * the quality's managers who may designate co-GLs (libs/domain `scim.tokens.manage`); the gateway
 * asks who a token is on every SCIM request, so a revoked token is refused at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ActionSchema } from 'moleculer';
import { ClientProblem, defineAction, notFound, recordAudit, requirePrincipal } from '@um/platform';
import { findActiveQuality, type QualityModels } from '../model.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function scimTokenActions(models: QualityModels): Record<string, ActionSchema> {
  return {
    ...defineAction('quality.createScimToken', async ({ enterpriseNumber, type, body }, ctx) => {
      if (!(await findActiveQuality(models, enterpriseNumber, type))) throw notFound('quality');
      const principal = requirePrincipal(ctx);
      const token = randomBytes(32).toString('base64url');
      const tokenId = randomBytes(12).toString('hex');
      await models.ScimToken.create({ _id: sha256(token), tokenId, enterpriseNumber, type, ...(body.label ? { label: body.label } : {}), createdBy: principal.personId });
      await recordAudit(ctx, { enterpriseNumber, quality: type, action: 'scim-token.created', target: { type: 'scim-token', id: tokenId }, after: { ...(body.label ? { label: body.label } : {}) } });
      return { tokenId, token };
    }),

    ...defineAction('quality.listScimTokens', async ({ enterpriseNumber, type }) => {
      if (!(await findActiveQuality(models, enterpriseNumber, type))) throw notFound('quality');
      const tokens = await models.ScimToken.find({ enterpriseNumber, type }).sort({ createdAt: 1 }).lean();
      return {
        items: tokens.map((t) => ({ tokenId: t.tokenId, ...(t.label ? { label: t.label } : {}), createdAt: new Date(t.createdAt).toISOString(), createdBy: t.createdBy })),
      };
    }),

    ...defineAction('quality.revokeScimToken', async ({ enterpriseNumber, type, tokenId }, ctx) => {
      // Scoped by the path's enterprise and quality: another quality's token id is not found here.
      const removed = await models.ScimToken.findOneAndDelete({ tokenId, enterpriseNumber, type }).lean();
      if (!removed) throw notFound('SCIM token');
      await recordAudit(ctx, { enterpriseNumber, quality: type, action: 'scim-token.revoked', target: { type: 'scim-token', id: tokenId }, before: { ...(removed.label ? { label: removed.label } : {}) } });
      return null;
    }),

    ...defineAction('quality.authenticateScimToken', async ({ token }) => {
      const found = await models.ScimToken.findById(sha256(token)).lean();
      if (!found || !(await findActiveQuality(models, found.enterpriseNumber, found.type))) {
        throw new ClientProblem('UNAUTHENTICATED', 'the SCIM token is unknown or revoked');
      }
      return { tokenId: found.tokenId, enterpriseNumber: found.enterpriseNumber, type: found.type };
    }),
  };
}
