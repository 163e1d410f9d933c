import type { ActionSchema } from 'moleculer';
import { APPLICATIONS_BY_QUALITY } from '@um/domain';
import { call, defineAction, notFound } from '@um/platform';
import type { EnterpriseModels } from '../model.js';

export function readActions(models: EnterpriseModels): Record<string, ActionSchema> {
  const activeEnterprise = async (enterpriseNumber: string) => {
    const enterprise = await models.Enterprise.findOne({ _id: enterpriseNumber, status: 'active' }).lean();
    if (!enterprise) throw notFound('enterprise');
    return enterprise;
  };
  return {
    ...defineAction('enterprise.get', async ({ enterpriseNumber }, ctx) => {
      const enterprise = await activeEnterprise(enterpriseNumber);
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
    }),

    ...defineAction('enterprise.eligibleQualities', async ({ enterpriseNumber }, ctx) => {
      const enterprise = await activeEnterprise(enterpriseNumber);
      const active = new Set((await call(ctx, 'quality.list', { enterpriseNumber })).items.map((q) => q.type));
      return {
        items: enterprise.eligibleQualities.map((type) => ({ type, active: active.has(type), applications: [...APPLICATIONS_BY_QUALITY[type]] })),
      };
    }),

    ...defineAction('enterprise.names', async ({ enterpriseNumbers }) => {
      // One lookup by _id each: the one query every MongoDB-wire store serves from its index.
      const found = await Promise.all(
        [...new Set(enterpriseNumbers)].map((id) => models.Enterprise.findOne({ _id: id, status: 'active' }, { name: 1 }).lean()),
      );
      return Object.fromEntries(found.filter((e) => e !== null).map((e) => [e._id, e.name]));
    }),

    ...defineAction('enterprise.eligibility', async ({ enterpriseNumber }) => {
      const enterprise = await models.Enterprise.findOne({ _id: enterpriseNumber, status: 'active' }, { eligibleQualities: 1 }).lean();
      return { exists: Boolean(enterprise), eligibleQualities: enterprise?.eligibleQualities ?? [] };
    }),
  };
}

function stripNulls<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as never;
}
