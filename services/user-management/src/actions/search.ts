/** Search at quality and enterprise level, the authorization check, and /me's applications. */
import type { ActionSchema } from 'moleculer';
import { applicationsListedFor, isCurrentAt, type QualityType } from '@um/domain';
import type { UserSearchQuery } from '@um/contracts';
import { defineAction, notFound, requirePrincipal } from '@um/platform';
import { grantedAt } from '../projection.js';
import { buildSearch } from '../query.js';
import type { Sync } from '../sync.js';
import { userView } from './users.js';

export function searchActions(sync: Sync): Record<string, ActionSchema> {
  // From the projection: one enterprise's memberships, filtered and sorted in memory.
  const search = (scope: { enterpriseNumber: string; quality?: QualityType }, query: UserSearchQuery) => {
    // One instant for the whole answer: the filter and every item's validity agree.
    const now = Date.now();
    const { items, total } = sync.projection.search(scope.enterpriseNumber, buildSearch(scope, query, now));
    return { items: items.map((m) => userView(m, now)), total, page: query.page, pageSize: query.pageSize };
  };

  return {
    ...defineAction('user-management.searchQuality', async ({ enterpriseNumber, type, query }, ctx) => {
      if (!(await sync.qualityActive(ctx, enterpriseNumber, type))) throw notFound('quality');
      return search({ enterpriseNumber, quality: type }, query);
    }),

    ...defineAction('user-management.searchEnterprise', async ({ enterpriseNumber, query }) => {
      return search({ enterpriseNumber }, query);
    }),

    // No store query: the projection answers (a session is enough, no role: the portal asks
    // before opening an application, whatever role the person chose).
    ...defineAction('user-management.check', async ({ application, enterpriseNumber, quality }, ctx) => {
      const { personId } = requirePrincipal(ctx);
      return sync.projection.check(personId, application, enterpriseNumber, quality);
    }),

    // GET /me: per role of the person, what it reaches (a blocked role nothing).
    ...defineAction('user-management.applicationsOf', async ({ personId, roles }) => {
      const memberships = sync.projection.membershipsOf(personId).filter((m) => m.kind === 'user');
      const byRole = new Map(memberships.map((m) => [m.roleId, m]));
      const now = Date.now();
      return roles.map((role) => {
        const m = byRole.get(role.id);
        // A user's applications are those of its membership, while that membership is active and
        // inside its window, and of those the grants inside theirs.
        const granted = m?.status === 'active' && isCurrentAt(m, now) ? grantedAt(m, now) : [];
        const applications = applicationsListedFor(role.kind, role.quality, granted);
        return { roleId: role.id, applications: role.status === 'active' ? applications : [], ...(m?.companyEmail ? { companyEmail: m.companyEmail } : {}) };
      });
    }),
  };
}
