/**
 * The people of a quality: its local manager (changed by RAE/co-RAE), co-local-managers (by RAE,
 * co-RAE or the GL — a co-GL may not, footnotes 2–3) and its one technical user (by any manager).
 */
import type { ActionSchema, Context } from 'moleculer';
import { excludedBy, type QualityType } from '@um/domain';
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
  type OwnedCache,
  recordAudit,
  replaceHolder,
} from '@um/platform';
import { findActiveQuality, qualityId, type QualityModels, type QualityState } from '../model.js';

type Ctx = Context<unknown, CallMeta>;
const windowOf = (w: { validFrom?: string; validUntil?: string }) => ({ ...(w.validFrom ? { validFrom: w.validFrom } : {}), ...(w.validUntil ? { validUntil: w.validUntil } : {}) });

export function managerActions(models: QualityModels, states: OwnedCache<QualityState>): Record<string, ActionSchema> {
  const requireQuality = async (enterpriseNumber: string, type: QualityType) => {
    const q = await findActiveQuality(models, enterpriseNumber, type);
    if (!q) throw notFound('quality');
    return q;
  };
  const coGlView = async (ctx: Ctx, enterpriseNumber: string, quality: QualityType, personId: string): Promise<ManagerView> => {
    const role = await findRoleOf(ctx, { enterpriseNumber, quality, kinds: ['co-local-manager'], personId });
    const [view] = await managerViews(ctx, [role]);
    if (!view) throw notFound('person');
    return view;
  };

  return {
    ...defineAction('quality.designateLocalManager', async ({ enterpriseNumber, type, person }, ctx) => {
      await requireQuality(enterpriseNumber, type);
      const saga = new Saga(ctx);
      const gl = await saga.run(async () => {
        const holder = await replaceHolder(ctx, saga, person, { kind: 'local-manager', enterpriseNumber, quality: type });
        if (!holder.unchanged) await models.Quality.updateOne({ _id: qualityId(enterpriseNumber, type) }, { $set: { localManagerPersonId: holder.personId } });
        return holder;
      });
      const result = { personId: gl.personId, roleId: gl.roleId, created: gl.created };
      await recordAudit(ctx, {
        enterpriseNumber,
        quality: type,
        action: 'local-manager.designated',
        target: { type: 'person', id: result.personId },
        before: gl.previous ? { personId: gl.previous.personId } : undefined,
        after: { personId: result.personId },
      });
      return result;
    }),

    ...defineAction('quality.listCoLocalManagers', async ({ enterpriseNumber, type }, ctx) => {
      await requireQuality(enterpriseNumber, type);
      const roles = await call(ctx, 'identity.findRoles', { enterpriseNumber, quality: type, kinds: ['co-local-manager'] });
      return { items: await managerViews(ctx, roles) };
    }),

    ...defineAction('quality.designateCoLocalManager', async ({ enterpriseNumber, type, person }, ctx) => {
      await requireQuality(enterpriseNumber, type);
      const saga = new Saga(ctx);
      const result = await saga.run(async () => {
        const designated = await designate(ctx, saga, person, { kind: 'co-local-manager', enterpriseNumber, quality: type });
        const [gl] = await call(ctx, 'identity.findRoles', { enterpriseNumber, quality: type, kinds: [excludedBy('co-local-manager')!], personId: designated.personId });
        if (gl) throw new ClientProblem('CONFLICT', 'this person is the local manager of this quality');
        return { personId: designated.personId, roleId: designated.roleId, created: designated.created };
      });
      await recordAudit(ctx, { enterpriseNumber, quality: type, action: 'co-local-manager.designated', target: { type: 'person', id: result.personId }, after: { roleId: result.roleId, ...windowOf(person) } });
      return result;
    }),

    ...defineAction('quality.setCoLocalManagerStatus', async ({ enterpriseNumber, type, personId, status }, ctx) => {
      const role = await findRoleOf(ctx, { enterpriseNumber, quality: type, kinds: ['co-local-manager'], personId });
      await call(ctx, 'identity.setRoleStatus', { roleId: role.roleId, status });
      await recordAudit(ctx, {
        enterpriseNumber,
        quality: type,
        action: status === 'blocked' ? 'co-local-manager.blocked' : 'co-local-manager.unblocked',
        target: { type: 'person', id: personId },
        before: { status: role.status },
        after: { status },
      });
      return coGlView(ctx, enterpriseNumber, type, personId);
    }),

    ...defineAction('quality.removeCoLocalManager', async ({ enterpriseNumber, type, personId }, ctx) => {
      const role = await findRoleOf(ctx, { enterpriseNumber, quality: type, kinds: ['co-local-manager'], personId });
      await call(ctx, 'identity.revokeRole', { roleId: role.roleId });
      await recordAudit(ctx, { enterpriseNumber, quality: type, action: 'co-local-manager.deleted', target: { type: 'person', id: personId }, before: { roleId: role.roleId, status: role.status } });
      return null;
    }),

    ...defineAction('quality.getCoLocalManager', async ({ enterpriseNumber, type, personId }, ctx) => {
      return coGlView(ctx, enterpriseNumber, type, personId);
    }),

    // Person-level data: identity applies the person rule (every role of the person in the caller's scope).
    ...defineAction('quality.editCoLocalManager', async ({ enterpriseNumber, type, personId, changes }, ctx) => {
      const before = await coGlView(ctx, enterpriseNumber, type, personId);
      await editDesignation(ctx, await findRoleOf(ctx, { enterpriseNumber, quality: type, kinds: ['co-local-manager'], personId }), changes);
      const after = await coGlView(ctx, enterpriseNumber, type, personId);
      await recordAudit(ctx, { enterpriseNumber, quality: type, action: 'co-local-manager.edited', target: { type: 'person', id: personId }, before, after });
      return after;
    }),

    ...defineAction('quality.resetCoLocalManagerPassword', async ({ enterpriseNumber, type, personId, body }, ctx) => {
      await findRoleOf(ctx, { enterpriseNumber, quality: type, kinds: ['co-local-manager'], personId });
      await call(ctx, 'identity.setPassword', { personId, password: body.password });
      await recordAudit(ctx, { enterpriseNumber, quality: type, action: 'co-local-manager.password-reset', target: { type: 'person', id: personId } });
      return null;
    }),

    ...defineAction('quality.designateTechnicalUser', async ({ enterpriseNumber, type, body }, ctx) => {
      const quality = await requireQuality(enterpriseNumber, type);
      const saga = new Saga(ctx);
      const result = await saga.run(async () => {
        if ('personId' in body) {
          // An existing, active member of this quality.
          const roles = await call(ctx, 'identity.findRoles', {
            enterpriseNumber,
            quality: type,
            kinds: ['user', 'local-manager', 'co-local-manager'],
            personId: body.personId,
          });
          if (!roles.some((r) => r.status === 'active')) throw notFound('member of this quality');
          return { personId: body.personId, created: false };
        }
        // A person by NISS (reused or created) who becomes a user of this quality if not one yet.
        const members = await call(ctx, 'identity.registerPerson', { person: body });
        if (members.created) saga.onFailure('discard person', () => call(ctx, 'identity.discardPerson', { personId: members.personId }));
        const existing = await call(ctx, 'identity.findRoles', { enterpriseNumber, quality: type, personId: members.personId });
        if (existing.some((r) => r.status === 'active')) return { personId: members.personId, created: members.created };
        // A user of the quality with its membership (user-management owns users). A concurrent
        // identical designation may have made them one meanwhile: then they are the member to use.
        try {
          const user = await call(ctx, 'user-management.register', { enterpriseNumber, type, body: { ...body, applications: [] } });
          return { personId: user.personId, roleId: user.roleId, created: members.created };
        } catch (err) {
          if ((err as { type?: string }).type !== 'ALREADY_MEMBER') throw err;
          return { personId: members.personId, created: members.created };
        }
      });
      // One technical user per quality: designating replaces the previous one.
      await models.Quality.updateOne({ _id: qualityId(enterpriseNumber, type) }, { $set: { technicalUserPersonId: result.personId } });
      await states.changed(ctx, [qualityId(enterpriseNumber, type)]);
      await recordAudit(ctx, {
        enterpriseNumber,
        quality: type,
        action: 'technical-user.designated',
        target: { type: 'person', id: result.personId },
        before: quality.technicalUserPersonId ? { personId: quality.technicalUserPersonId } : undefined,
        after: { personId: result.personId },
      });
      return result;
    }),
  };
}
