/**
 * The SCIM 2.0 side of a quality's users (gateway /scim/v2, role kind `scim-client`): the same
 * use-cases as the manager routes (users.ts), for a principal scoped to exactly one enterprise and
 * quality by its token. Only `user` memberships are SCIM Users: a GL or co-GL of the quality is
 * neither listed nor found here.
 */
import type { ActionSchema } from 'moleculer';
import type { QualityType } from '@um/domain';
import { ClientProblem, defineAction, notFound, recordAudit } from '@um/platform';
import { membershipId, type MembershipDoc, type UserManagementModels } from '../model.js';
import type { Sync } from '../sync.js';
import { checkApplications, userUseCases, userView } from './users.js';

export function scimActions(models: UserManagementModels, sync: Sync): Record<string, ActionSchema> {
  const { requireActiveQuality, user, register, setStatus, remove } = userUseCases(models, sync);

  /** A user membership of the quality; a GL or co-GL is no SCIM User (404, as for nobody). */
  const scimUser = async (enterpriseNumber: string, quality: QualityType, personId: string) => {
    const m = await models.Membership.findById(membershipId({ enterpriseNumber, quality, personId })).lean();
    if (!m || m.kind !== 'user') throw notFound('user');
    return m as MembershipDoc & { _id: string };
  };

  /** 409 (SCIM `uniqueness`) when another user of the quality already carries this externalId. */
  const ensureExternalIdFree = async (enterpriseNumber: string, quality: QualityType, externalId: string, personId?: string) => {
    const other = await models.Membership.findOne({ enterpriseNumber, quality, externalId }, { personId: 1 }).lean();
    if (other && other.personId !== personId) {
      throw new ClientProblem('CONFLICT', 'another user of this quality has this externalId', { errors: [{ field: 'externalId', code: 'CONFLICT', message: 'already used in this quality' }] });
    }
  };

  return {
    ...defineAction('user-management.scimCreate', async ({ enterpriseNumber, type, body, externalId, active }, ctx) => {
      if (externalId) await ensureExternalIdFree(enterpriseNumber, type, externalId);
      // No password from the HR system: a new person's account has none usable until a reset (as an import's).
      const registered = await register(ctx, { enterpriseNumber, type, body, ...(body.password ? {} : { withoutPassword: true }), ...(externalId ? { externalId } : {}) });
      if (!active) return setStatus(ctx, { enterpriseNumber, type, personId: registered.personId, status: 'blocked' });
      return userView(await user(enterpriseNumber, type, registered.personId));
    }),

    ...defineAction('user-management.scimGet', async ({ enterpriseNumber, type, personId }, ctx) => {
      await requireActiveQuality(ctx, enterpriseNumber, type);
      return userView(await scimUser(enterpriseNumber, type, personId));
    }),

    ...defineAction('user-management.scimList', async ({ enterpriseNumber, type, filter, startIndex, count }, ctx) => {
      await requireActiveQuality(ctx, enterpriseNumber, type);
      const query: Record<string, unknown> = { enterpriseNumber, quality: type, kind: 'user' };
      if (filter?.attribute === 'userName') query.usernameLower = filter.value.toLowerCase();
      // externalId is case-exact (RFC 7643 §3.1).
      if (filter?.attribute === 'externalId') query.externalId = filter.value;
      if (filter?.attribute === 'id') query._id = membershipId({ enterpriseNumber, quality: type, personId: filter.value });
      const [total, page] = await Promise.all([
        models.Membership.countDocuments(query),
        count === 0 ? Promise.resolve([]) : models.Membership.find(query).sort({ _id: 1 }).skip(startIndex - 1).limit(count).lean(),
      ]);
      return { total, items: (page as MembershipDoc[]).map((m) => userView(m)) };
    }),

    ...defineAction('user-management.scimPatch', async ({ enterpriseNumber, type, personId, changes }, ctx) => {
      await requireActiveQuality(ctx, enterpriseNumber, type);
      const before = await scimUser(enterpriseNumber, type, personId);
      const set: Record<string, unknown> = {};
      const unset: Record<string, 1> = {};
      if (changes.externalId === null) unset.externalId = 1;
      else if (changes.externalId !== undefined && changes.externalId !== before.externalId) {
        await ensureExternalIdFree(enterpriseNumber, type, changes.externalId, personId);
        set.externalId = changes.externalId;
      }
      if (changes.applications !== undefined || changes.addApplications?.length) {
        const wanted = [...(changes.applications ?? before.applications), ...(changes.addApplications ?? [])];
        set.applications = checkApplications(type, wanted);
      }
      if (Object.keys(set).length || Object.keys(unset).length) {
        await models.Membership.updateOne({ _id: before._id }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) });
        await sync.announce(ctx, { memberships: [before._id] });
        const pick = (m: Record<string, unknown>) => ({ applications: m.applications, externalId: m.externalId ?? null });
        await recordAudit(ctx, { enterpriseNumber, quality: type, action: 'user.updated', target: { type: 'person', id: personId }, before: pick(before), after: pick({ ...before, ...set, ...(unset.externalId ? { externalId: null } : {}) }) });
      }
      const status = changes.active === undefined ? undefined : changes.active ? 'active' : 'blocked';
      if (status && status !== before.status) return setStatus(ctx, { enterpriseNumber, type, personId, status });
      return userView(await user(enterpriseNumber, type, personId));
    }),

    ...defineAction('user-management.scimRemove', async (params, ctx) => {
      await scimUser(params.enterpriseNumber, params.type, params.personId);
      return remove(ctx, params);
    }),
  };
}
