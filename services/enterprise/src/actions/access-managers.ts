/**
 * The RAE (replaced only by the contact centre, by transfer) and the co-RAEs (designated, edited,
 * blocked, unblocked, deleted and reset by the RAE only — docs/product.md §2, footnote 1).
 */
import type { ActionSchema, Context } from 'moleculer';
import { excludedBy } from '@um/domain';
import type { CallMeta, ManagerView } from '@um/contracts';
import {
  ClientProblem,
  Saga,
  call,
  defineAction,
  designate,
  editDesignation,
  findRoleOf,
  managerViews,
  notFound,
  recordAudit,
  replaceHolder,
} from '@um/platform';
import type { EnterpriseModels } from '../model.js';

type Ctx = Context<unknown, CallMeta>;

export function accessManagerActions(models: EnterpriseModels): Record<string, ActionSchema> {
  const requireEnterprise = async (enterpriseNumber: string) => {
    if (!(await models.Enterprise.exists({ _id: enterpriseNumber, status: 'active' }))) throw notFound('enterprise');
  };
  const coRaeView = async (ctx: Ctx, enterpriseNumber: string, personId: string): Promise<ManagerView> => {
    const role = await findRoleOf(ctx, { enterpriseNumber, kinds: ['co-access-manager'], personId });
    const [view] = await managerViews(ctx, [role]);
    if (!view) throw notFound('person');
    return view;
  };

  return {
    ...defineAction('enterprise.replaceAccessManager', async ({ enterpriseNumber, ...person }, ctx) => {
      await requireEnterprise(enterpriseNumber);
      const saga = new Saga(ctx);
      const { result, previous } = await saga.run(async () => {
        const rae = await replaceHolder(ctx, saga, person, { kind: 'access-manager', enterpriseNumber });
        if (!rae.unchanged) {
          // A co-RAE promoted to RAE keeps one enterprise-level role only.
          const [coRole] = await call(ctx, 'identity.findRoles', { enterpriseNumber, kinds: [excludedBy('access-manager')!], personId: rae.personId });
          if (coRole) await call(ctx, 'identity.revokeRole', { roleId: coRole.roleId });
          await models.Enterprise.updateOne({ _id: enterpriseNumber }, { $set: { accessManagerPersonId: rae.personId } });
        }
        return { result: { personId: rae.personId, roleId: rae.roleId, created: rae.created }, previous: rae.previous };
      });
      await recordAudit(ctx, {
        enterpriseNumber,
        action: 'access-manager.replaced',
        target: { type: 'person', id: result.personId },
        before: previous ? { personId: previous.personId } : undefined,
        after: { personId: result.personId },
      });
      return result;
    }),

    ...defineAction('enterprise.listCoAccessManagers', async ({ enterpriseNumber }, ctx) => {
      await requireEnterprise(enterpriseNumber);
      const roles = await call(ctx, 'identity.findRoles', { enterpriseNumber, kinds: ['co-access-manager'] });
      return { items: await managerViews(ctx, roles) };
    }),

    ...defineAction('enterprise.designateCoAccessManager', async ({ enterpriseNumber, ...person }, ctx) => {
      await requireEnterprise(enterpriseNumber);
      const saga = new Saga(ctx);
      const result = await saga.run(async () => {
        const designated = await designate(ctx, saga, person, { kind: 'co-access-manager', enterpriseNumber });
        const [rae] = await call(ctx, 'identity.findRoles', { enterpriseNumber, kinds: [excludedBy('co-access-manager')!], personId: designated.personId });
        if (rae) throw new ClientProblem('CONFLICT', 'this person is the access manager of the enterprise');
        return { personId: designated.personId, roleId: designated.roleId, created: designated.created };
      });
      await recordAudit(ctx, {
        enterpriseNumber,
        action: 'co-access-manager.designated',
        target: { type: 'person', id: result.personId },
        after: { roleId: result.roleId, ...(person.validFrom ? { validFrom: person.validFrom } : {}), ...(person.validUntil ? { validUntil: person.validUntil } : {}) },
      });
      return result;
    }),

    ...defineAction('enterprise.editCoAccessManager', async ({ enterpriseNumber, personId, changes }, ctx) => {
      const before = await coRaeView(ctx, enterpriseNumber, personId);
      await editDesignation(ctx, await findRoleOf(ctx, { enterpriseNumber, kinds: ['co-access-manager'], personId }), changes);
      const after = await coRaeView(ctx, enterpriseNumber, personId);
      await recordAudit(ctx, { enterpriseNumber, action: 'co-access-manager.edited', target: { type: 'person', id: personId }, before, after });
      return after;
    }),

    ...defineAction('enterprise.setCoAccessManagerStatus', async ({ enterpriseNumber, personId, status }, ctx) => {
      const role = await findRoleOf(ctx, { enterpriseNumber, kinds: ['co-access-manager'], personId });
      await call(ctx, 'identity.setRoleStatus', { roleId: role.roleId, status });
      await recordAudit(ctx, {
        enterpriseNumber,
        action: status === 'blocked' ? 'co-access-manager.blocked' : 'co-access-manager.unblocked',
        target: { type: 'person', id: personId },
        before: { status: role.status },
        after: { status },
      });
      return coRaeView(ctx, enterpriseNumber, personId);
    }),

    ...defineAction('enterprise.removeCoAccessManager', async ({ enterpriseNumber, personId }, ctx) => {
      const role = await findRoleOf(ctx, { enterpriseNumber, kinds: ['co-access-manager'], personId });
      await call(ctx, 'identity.revokeRole', { roleId: role.roleId });
      await recordAudit(ctx, { enterpriseNumber, action: 'co-access-manager.deleted', target: { type: 'person', id: personId }, before: { roleId: role.roleId, status: role.status } });
      return null;
    }),

    ...defineAction('enterprise.resetCoAccessManagerPassword', async ({ enterpriseNumber, personId, body }, ctx) => {
      await findRoleOf(ctx, { enterpriseNumber, kinds: ['co-access-manager'], personId });
      await call(ctx, 'identity.setPassword', { personId, password: body.password });
      await recordAudit(ctx, { enterpriseNumber, action: 'co-access-manager.password-reset', target: { type: 'person', id: personId } });
      return null;
    }),
  };
}
