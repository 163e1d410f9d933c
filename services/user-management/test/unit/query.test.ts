import { UserSearchQuery } from '@um/contracts';
import { buildSearch, escapeRegex } from '../../src/query';
import { Projection } from '../../src/projection';

const q = (input: Record<string, unknown>) => UserSearchQuery.parse(input);
const EN = '0403170701';

describe('search query building', () => {
  test('when criteria are given, then names and e-mail become anchored lower-case prefixes within the scope', () => {
    const plan = buildSearch({ enterpriseNumber: EN, quality: 'employer' }, q({ lastName: 'PeE', firstName: 'An', email: 'Ann@', username: 'ann', title: 'Dr' }));
    expect(plan.filter).toEqual({
      enterpriseNumber: EN,
      quality: 'employer',
      lastNameLower: { $regex: '^pee' },
      firstNameLower: { $regex: '^an' },
      emailsLower: { $regex: '^ann@' },
      usernameLower: { $regex: '^ann' },
      titleLower: { $regex: '^dr' },
    });
  });

  test('when the input carries regex syntax, then it is escaped and stays plain text', () => {
    const plan = buildSearch({ enterpriseNumber: EN }, q({ lastName: '.*|^(a+)+$[x]\\' }));
    expect(plan.filter.lastNameLower).toEqual({ $regex: `^${escapeRegex('.*|^(a+)+$[x]\\')}` });
    expect(new RegExp((plan.filter.lastNameLower as { $regex: string }).$regex).test('.*|^(a+)+$[x]\\ and more')).toBe(true);
    expect(new RegExp((plan.filter.lastNameLower as { $regex: string }).$regex).test('anything')).toBe(false);
  });

  test('when a query string tries to widen the scope, then the scope from the path wins', () => {
    const plan = buildSearch({ enterpriseNumber: EN, quality: 'employer' }, q({ quality: 'mandatary' }));
    expect(plan.filter).toEqual({ enterpriseNumber: EN, quality: 'employer' });
  });

  test('when NISS is complete, then it matches exactly; a shorter one is a prefix', () => {
    expect(buildSearch({ enterpriseNumber: EN }, q({ niss: '85073003328' })).filter.niss).toBe('85073003328');
    expect(buildSearch({ enterpriseNumber: EN }, q({ niss: '8507' })).filter.niss).toEqual({ $regex: '^8507' });
  });

  test('when application is asked without a quality, then 400 APPLICATION_NEEDS_QUALITY; outside the catalogue 400 APPLICATION_NOT_IN_CATALOGUE', () => {
    expect(() => buildSearch({ enterpriseNumber: EN }, q({ application: 'dimona' }))).toThrow(expect.objectContaining({ type: 'APPLICATION_NEEDS_QUALITY', code: 400 }));
    expect(() => buildSearch({ enterpriseNumber: EN, quality: 'curator' }, q({ application: 'dimona' }))).toThrow(expect.objectContaining({ type: 'APPLICATION_NOT_IN_CATALOGUE' }));
    expect(buildSearch({ enterpriseNumber: EN }, q({ quality: 'employer', application: 'dimona' })).filter).toEqual({ enterpriseNumber: EN, quality: 'employer', applications: 'dimona' });
  });

  test('when sorting and paging, then the order is total and the page maps to skip/limit', () => {
    const plan = buildSearch({ enterpriseNumber: EN }, q({ sort: 'username', page: '3', pageSize: '10' }));
    expect(Object.keys(plan.sort)).toEqual(['usernameLower', 'lastNameLower', 'firstNameLower', 'quality', 'personId']);
    expect(plan).toEqual(expect.objectContaining({ skip: 20, limit: 10 }));
  });

  test('when the page size is above the maximum or the language unknown, then the query does not parse', () => {
    expect(UserSearchQuery.safeParse({ pageSize: '101' }).success).toBe(false);
    expect(UserSearchQuery.safeParse({ language: 'xx' }).success).toBe(false);
  });
});

describe('authorization projection', () => {
  const p = new Projection();
  p.addMembership('u1', { enterpriseNumber: EN, quality: 'employer', kind: 'user', status: 'active', accountStatus: 'active', applications: ['dimona'] });
  p.addMembership('u2', { enterpriseNumber: EN, quality: 'employer', kind: 'user', status: 'blocked', accountStatus: 'active', applications: ['dimona'] });
  p.addMembership('gl', { enterpriseNumber: EN, quality: 'employer', kind: 'local-manager', status: 'active', accountStatus: 'active', applications: [] });
  p.addEnterpriseRole('rae', { enterpriseNumber: EN, kind: 'access-manager', status: 'active' });

  test('when a user has the application granted, then allowed; another application or quality, then not', () => {
    expect(p.check('u1', 'dimona', EN, 'employer')).toEqual({ allowed: true, reason: 'granted' });
    expect(p.check('u1', 'dmfa', EN, 'employer')).toEqual({ allowed: false, reason: 'application-not-granted' });
    expect(p.check('u1', 'dimona', EN, 'mandatary')).toEqual({ allowed: false, reason: 'no-membership' });
    expect(p.check('u1', 'dimona', '0000000097')).toEqual({ allowed: false, reason: 'no-membership' });
  });

  test('when the membership is blocked, then refused with that reason', () => {
    expect(p.check('u2', 'dimona', EN, 'employer')).toEqual({ allowed: false, reason: 'membership-blocked' });
  });

  test('when a GL asks for any application of the quality, then allowed; a RAE only User Management', () => {
    expect(p.check('gl', 'ebox', EN, 'employer')).toEqual({ allowed: true, reason: 'local-manager' });
    expect(p.check('gl', 'mahis', EN, 'employer').allowed).toBe(false);
    expect(p.check('rae', 'user-management', EN)).toEqual({ allowed: true, reason: 'access-manager' });
    expect(p.check('rae', 'dimona', EN, 'employer')).toEqual({ allowed: false, reason: 'no-membership' });
  });

  test('when a person is replaced with no entries, then every check refuses', () => {
    p.set('u1', { memberships: [], enterpriseRoles: [] });
    expect(p.check('u1', 'dimona', EN, 'employer').allowed).toBe(false);
  });
});
