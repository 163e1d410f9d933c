/**
 * Search criteria → a plan the projection runs (pure, unit-tested): a predicate and a total order.
 * Names, username, title and e-mail match a case-insensitive prefix of the lower-cased copy; the
 * input is only ever compared as text (no pattern language reaches anything).
 */
import { APPLICATIONS_BY_QUALITY, validityAt, type QualityType } from '@um/domain';
import type { UserSearchQuery } from '@um/contracts';
import { ClientProblem } from '@um/platform';
import type { MembershipDoc } from './model.js';

type Searchable = Pick<
  MembershipDoc,
  'personId' | 'enterpriseNumber' | 'quality' | 'status' | 'kind' | 'validFrom' | 'validUntil' | 'language' | 'niss' | 'applications' | 'usernameLower' | 'firstNameLower' | 'lastNameLower' | 'titleLower' | 'emailsLower'
>;

export interface SearchPlan {
  matches(m: Searchable): boolean;
  compare(a: Searchable, b: Searchable): number;
  skip: number;
  limit: number;
}

type SortKey = 'lastNameLower' | 'firstNameLower' | 'usernameLower' | 'quality' | 'personId';
const SORT_FIELD = { lastName: 'lastNameLower', firstName: 'firstNameLower', username: 'usernameLower' } as const satisfies Record<UserSearchQuery['sort'], SortKey>;
/** Secondary keys make the order total, hence stable across pages. */
const THEN_BY: readonly SortKey[] = ['lastNameLower', 'firstNameLower', 'usernameLower', 'quality', 'personId'];

/** The sort keys, first the asked one: exported for the tests. */
export function sortKeys(sort: UserSearchQuery['sort']): SortKey[] {
  const first = SORT_FIELD[sort];
  return [first, ...THEN_BY.filter((key) => key !== first)];
}

const startsWith = (prefix: string) => (value: string | null | undefined) => typeof value === 'string' && value.startsWith(prefix);

/** `scope` comes from the path (never from the query), so nothing outside it can match. */
export function buildSearch(scope: { enterpriseNumber: string; quality?: QualityType }, query: UserSearchQuery, now = Date.now()): SearchPlan {
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
  const tests: Array<(m: Searchable) => boolean> = [(m) => m.enterpriseNumber === scope.enterpriseNumber];
  const prefixOn = (text: string | undefined, field: (m: Searchable) => string | null | undefined) => {
    if (text === undefined) return;
    const matches = startsWith(text.toLowerCase());
    tests.push((m) => matches(field(m)));
  };
  if (quality) tests.push((m) => m.quality === quality);
  prefixOn(query.username, (m) => m.usernameLower);
  prefixOn(query.firstName, (m) => m.firstNameLower);
  prefixOn(query.lastName, (m) => m.lastNameLower);
  prefixOn(query.title, (m) => m.titleLower);
  if (query.email !== undefined) {
    const matches = startsWith(query.email.toLowerCase());
    tests.push((m) => m.emailsLower.some(matches));
  }
  if (query.niss !== undefined) {
    const niss = query.niss;
    tests.push(niss.length === 11 ? (m) => m.niss === niss : (m) => startsWith(niss)(m.niss));
  }
  if (query.language !== undefined) tests.push((m) => m.language === query.language);
  if (query.status !== undefined) tests.push((m) => m.status === query.status);
  if (query.kind !== undefined) tests.push((m) => m.kind === query.kind);
  if (query.validity !== undefined) tests.push((m) => validityAt(m, now) === query.validity);
  if (query.application !== undefined) tests.push((m) => m.applications.includes(query.application!));

  const keys = sortKeys(query.sort);
  return {
    matches: (m) => tests.every((test) => test(m)),
    // Missing values first, then code-unit order (MongoDB's order for these fields).
    compare(a, b) {
      for (const key of keys) {
        const x = a[key] ?? '';
        const y = b[key] ?? '';
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    },
    skip: (query.page - 1) * query.pageSize,
    limit: query.pageSize,
  };
}
