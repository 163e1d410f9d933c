import type { ActionSchema } from 'moleculer';
import { call, defineAction, ensureAllowed, notFound } from '@um/platform';
import type { EnterpriseModels } from '../model.js';

export function readActions(models: EnterpriseModels): Record<string, ActionSchema> {
  return defineAction('enterprise.get', async ({ enterpriseNumber }, ctx) => {
    ensureAllowed(ctx, 'enterprise.read', { enterpriseNumber });
    const enterprise = await models.Enterprise.findOne({ _id: enterpriseNumber, status: 'active' }).lean();
    if (!enterprise) throw notFound('enterprise');
    const accessManager = enterprise.accessManagerPersonId
      ? await call(ctx, 'identity.getContact', { personId: enterprise.accessManagerPersonId }).catch((err: { type?: string }) => {
          if (err.type === 'NOT_FOUND') return null;
          throw err;
        })
      : null;
    return {
      enterpriseNumber: enterprise._id,
      name: enterprise.name,
      ...(enterprise.legalForm ? { legalForm: enterprise.legalForm } : {}),
      ...(enterprise.address ? { address: stripNulls(enterprise.address) } : {}),
      eligibleQualities: enterprise.eligibleQualities,
      accessManager,
      createdAt: enterprise.createdAt.toISOString(),
    };
  });
}

function stripNulls<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as never;
}
