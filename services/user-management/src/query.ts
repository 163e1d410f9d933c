/**
 * Search criteria → a store query (pure, unit-tested). Names, username, title and e-mail match a
 * case-insensitive prefix: an anchored regex over the lower-cased copy, with every regex character
 * of the input escaped, so input is only ever text (an index on the lower-cased field serves it).
 */
import { APPLICATIONS_BY_QUALITY, type QualityType } from '@um/domain';
import type { UserSearchQuery } from '@um/contracts';
import { ClientProblem } from '@um/platform';

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export function prefix(text: string): { $regex: string } {
  return { $regex: `^${escapeRegex(text.toLowerCase())}` };
}

export interface SearchPlan {
  filter: Record<string, unknown>;
  sort: Record<string, 1>;
  skip: number;
  limit: number;
}

const SORT_FIELD = { lastName: 'lastNameLower', firstName: 'firstNameLower', username: 'usernameLower' } as const;
/** Secondary keys make the order total, hence stable across pages. */
const THEN_BY = ['lastNameLower', 'firstNameLower', 'usernameLower', 'quality', 'personId'] as const;

/** `scope` comes from the path (never from the query), so nothing outside it can match. */
export function buildSearch(scope: { enterpriseNumber: string; quality?: QualityType }, query: UserSearchQuery): SearchPlan {
  const quality = scope.quality ?? query.quality;
  if (query.application !== undefined && !quality) {
    throw new ClientProblem('APPLICATION_NEEDS_QUALITY', 'searching by application needs a quality', {
      errors: [{ field: 'application', code: 'APPLICATION_NEEDS_QUALITY', message: 'give quality as well' }],
    });
  }
  if (query.application !== undefined && quality && !APPLICATIONS_BY_QUALITY[quality].includes(query.application)) {
    throw new ClientProblem('APPLICATION_NOT_IN_CATALOGUE', `${query.application} is not an application of ${quality}`, {
      errors: [{ field: 'application', code: 'APPLICATION_NOT_IN_CATALOGUE', message: `not an application of ${quality}` }],
    });
  }
  const filter: Record<string, unknown> = { enterpriseNumber: scope.enterpriseNumber };
  if (quality) filter.quality = quality;
  if (query.username !== undefined) filter.usernameLower = prefix(query.username);
  if (query.firstName !== undefined) filter.firstNameLower = prefix(query.firstName);
  if (query.lastName !== undefined) filter.lastNameLower = prefix(query.lastName);
  if (query.title !== undefined) filter.titleLower = prefix(query.title);
  if (query.email !== undefined) filter.emailsLower = prefix(query.email);
  if (query.niss !== undefined) filter.niss = query.niss.length === 11 ? query.niss : prefix(query.niss);
  if (query.language !== undefined) filter.language = query.language;
  if (query.status !== undefined) filter.status = query.status;
  if (query.application !== undefined) filter.applications = query.application;
  const first = SORT_FIELD[query.sort];
  const sort: Record<string, 1> = { [first]: 1 };
  for (const key of THEN_BY) if (!(key in sort)) sort[key] = 1;
  return { filter, sort, skip: (query.page - 1) * query.pageSize, limit: query.pageSize };
}
