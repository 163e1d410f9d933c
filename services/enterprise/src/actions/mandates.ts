/** Mandates, registered by the contact centre, read by the enterprise's managers and by routing. */
import type { ActionSchema } from 'moleculer';
import type { Mandate } from '@um/contracts';
import { ClientProblem, defineAction, emitEvent, notFound, recordAudit } from '@um/platform';
import type { EnterpriseModels } from '../model.js';

function view(doc: { _id: unknown; enterpriseNumber: string; mandataryEnterpriseNumber: string; declarationTypes: string[]; validFrom: string; validTo?: string | null }): Mandate {
  return {
    mandateId: String(doc._id),
    enterpriseNumber: doc.enterpriseNumber,
    mandataryEnterpriseNumber: doc.mandataryEnterpriseNumber,
    declarationTypes: doc.declarationTypes as Mandate['declarationTypes'],
    validFrom: doc.validFrom,
    ...(doc.validTo ? { validTo: doc.validTo } : {}),
  };
}

export function mandateActions(models: EnterpriseModels): Record<string, ActionSchema> {
  return {
    ...defineAction('enterprise.registerMandate', async ({ enterpriseNumber, mandate }, ctx) => {
      if (!(await models.Enterprise.exists({ _id: enterpriseNumber, status: 'active' }))) throw notFound('enterprise');
      const field = (code: 'MANDATARY_UNKNOWN', message: string) =>
        new ClientProblem(code, message, { errors: [{ field: 'mandataryEnterpriseNumber', code, message }] });
      if (mandate.mandataryEnterpriseNumber === enterpriseNumber) throw field('MANDATARY_UNKNOWN', 'an enterprise cannot be its own mandatary');
      if (!(await models.Enterprise.exists({ _id: mandate.mandataryEnterpriseNumber, status: 'active' }))) {
        throw field('MANDATARY_UNKNOWN', 'the mandatary enterprise is not known');
      }
      const created = await models.Mandate.create({ enterpriseNumber, ...mandate });
      const result = view(created.toObject());
      await recordAudit(ctx, { enterpriseNumber, action: 'mandate.registered', target: { type: 'mandate', id: result.mandateId }, after: result });
      return result;
    }),

    ...defineAction('enterprise.listMandates', async ({ enterpriseNumber, direction }) => {
      const filter = direction === 'received' ? { mandataryEnterpriseNumber: enterpriseNumber } : { enterpriseNumber };
      const mandates = await models.Mandate.find(filter).sort({ createdAt: 1 }).lean();
      return { items: mandates.map(view) };
    }),

    ...defineAction('enterprise.endMandate', async ({ enterpriseNumber, mandateId, body }, ctx) => {
      const before = await models.Mandate.findOne({ _id: mandateId, enterpriseNumber }).lean();
      if (!before) throw notFound('mandate');
      if (body.validTo < before.validFrom) {
        const message = `validTo must not be before validFrom (${before.validFrom})`;
        throw new ClientProblem('OUT_OF_RANGE', message, { errors: [{ field: 'validTo', code: 'OUT_OF_RANGE', message }] });
      }
      const after = await models.Mandate.findOneAndUpdate({ _id: mandateId, enterpriseNumber }, { $set: { validTo: body.validTo } }, { returnDocument: 'after' }).lean();
      if (!after) throw notFound('mandate');
      const result = view(after);
      await recordAudit(ctx, { enterpriseNumber, action: 'mandate.ended', target: { type: 'mandate', id: mandateId }, before: view(before), after: result });
      await emitEvent(ctx, 'enterprise.mandate.changed', { mandateId, enterpriseNumber, mandataryEnterpriseNumber: result.mandataryEnterpriseNumber, change: 'ended' });
      return result;
    }),

    ...defineAction('enterprise.revokeMandate', async ({ enterpriseNumber, mandateId }, ctx) => {
      const before = await models.Mandate.findOneAndDelete({ _id: mandateId, enterpriseNumber }).lean();
      if (!before) throw notFound('mandate');
      await recordAudit(ctx, { enterpriseNumber, action: 'mandate.revoked', target: { type: 'mandate', id: mandateId }, before: view(before) });
      await emitEvent(ctx, 'enterprise.mandate.changed', { mandateId, enterpriseNumber, mandataryEnterpriseNumber: before.mandataryEnterpriseNumber, change: 'revoked' });
      return null;
    }),

    ...defineAction('enterprise.findMandates', async ({ enterpriseNumber, mandataryEnterpriseNumber }) => {
      const filter: Record<string, string> = { enterpriseNumber };
      if (mandataryEnterpriseNumber) filter.mandataryEnterpriseNumber = mandataryEnterpriseNumber;
      return (await models.Mandate.find(filter).sort({ createdAt: 1 }).lean()).map(view);
    }),
  };
}
