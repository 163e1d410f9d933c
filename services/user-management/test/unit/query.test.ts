import { UserSearchQuery } from '@um/contracts';
import { membershipId } from '../../src/model';
import { buildSearch, sortKeys } from '../../src/query';
import { Projection, type MembershipRecord } from '../../src/projection';

const q = (input: Record<string, unknown>) => UserSearchQuery.parse(input);
const EN = '0403170701';

type Rec = MembershipRecord;
let seq = 0;
function rec(overrides: Partial<Rec> = {}): Rec {
  seq += 1;
  const base = {
    personId: `p${String(seq).padStart(3, '0')}`,
    enterpriseNumber: EN,
    quality: 'employer',
    roleId: `r${seq}`,
    kind: 'user',
    status: 'active',
    applications: ['dimona'],
    username: `ann${seq}`,
    firstName: 'Ann',
    lastName: 'Peeters',
    niss: '85073003328',
    language: 'nl',
    emails: ['Ann@Acme.example'],
    accountStatus: 'active',
    usernameLower: `ann${seq}`,
    firstNameLower: 'ann',
    lastNameLower: 'peeters',
    emailsLower: ['ann@acme.example'],
    ...overrides,
  } as Omit<Rec, '_id'>;
  return { ...base, _id: membershipId(base) } as Rec;
}

describe('search plans', () => {
  test('when criteria are given, then names, username, title and e-mail match a case-insensitive prefix within the scope', () => {
    const plan = buildSearch({ enterpriseNumber: EN, quality: 'employer' }, q({ lastName: 'PeE', firstName: 'An', email: 'ANN@', username: 'ann', title: 'Dr' }));
    expect(plan.matches(rec({ title: 'Dr.', titleLower: 'dr.' }))).toBe(true);
    expect(plan.matches(rec())).toBe(false); // no title
    expect(plan.matches(rec({ titleLower: 'dr', lastNameLower: 'maes' }))).toBe(false);
    expect(plan.matches(rec({ titleLower: 'dr', emailsLower: ['x@y.example', 'ann@z.example'] }))).toBe(true);
    expect(plan.matches(rec({ titleLower: 'dr', emailsLower: ['x@y.example'] }))).toBe(false);
    expect(plan.matches(rec({ titleLower: 'dr', quality: 'mandatary' }))).toBe(false);
    expect(plan.matches(rec({ titleLower: 'dr', enterpriseNumber: '0000000097' }))).toBe(false);
  });

  test('when the input carries pattern syntax, then it is plain text', () => {
    const text = '.*|^(a+)+$[x]\\';
    const plan = buildSearch({ enterpriseNumber: EN }, q({ lastName: text }));
    expect(plan.matches(rec({ lastNameLower: `${text} and more` }))).toBe(true);
    expect(plan.matches(rec({ lastNameLower: 'anything' }))).toBe(false);
  });

  test('when a query string tries to widen the scope, then the scope from the path wins', () => {
    const plan = buildSearch({ enterpriseNumber: EN, quality: 'employer' }, q({ quality: 'mandatary' }));
    expect(plan.matches(rec({ quality: 'mandatary' }))).toBe(false);
    expect(plan.matches(rec({ quality: 'employer' }))).toBe(true);
  });

  test('when NISS is complete, then it matches exactly; a shorter one is a prefix; language, status and application are equalities', () => {
    expect(buildSearch({ enterpriseNumber: EN }, q({ niss: '85073003328' })).matches(rec())).toBe(true);
    expect(buildSearch({ enterpriseNumber: EN }, q({ niss: '85073003329' })).matches(rec())).toBe(false);
    expect(buildSearch({ enterpriseNumber: EN }, q({ niss: '8507' })).matches(rec())).toBe(true);
    expect(buildSearch({ enterpriseNumber: EN }, q({ niss: '8507' })).matches(rec({ niss: undefined }))).toBe(false);
    expect(buildSearch({ enterpriseNumber: EN }, q({ language: 'fr' })).matches(rec())).toBe(false);
    expect(buildSearch({ enterpriseNumber: EN }, q({ status: 'blocked' })).matches(rec({ status: 'blocked' }))).toBe(true);
    const byApp = buildSearch({ enterpriseNumber: EN }, q({ quality: 'employer', application: 'dmfa' }));
    expect([byApp.matches(rec()), byApp.matches(rec({ applications: ['dimona', 'dmfa'] }))]).toEqual([false, true]);
  });

  test('when application is asked without a quality, then 400 APPLICATION_NEEDS_QUALITY; outside the catalogue 400 APPLICATION_NOT_IN_CATALOGUE', () => {
    expect(() => buildSearch({ enterpriseNumber: EN }, q({ application: 'dimona' }))).toThrow(expect.objectContaining({ type: 'APPLICATION_NEEDS_QUALITY', code: 400 }));
    expect(() => buildSearch({ enterpriseNumber: EN, quality: 'curator' }, q({ application: 'dimona' }))).toThrow(expect.objectContaining({ type: 'APPLICATION_NOT_IN_CATALOGUE' }));
  });

  test('when sorting and paging, then the order is total (missing values first) and the page maps to skip/limit', () => {
    expect(sortKeys('username')).toEqual(['usernameLower', 'lastNameLower', 'firstNameLower', 'quality', 'personId']);
    const plan = buildSearch({ enterpriseNumber: EN }, q({ sort: 'username', page: '3', pageSize: '10' }));
    expect(plan).toEqual(expect.objectContaining({ skip: 20, limit: 10 }));
    const a = rec({ usernameLower: 'b' });
    const b = rec({ usernameLower: 'a' });
    const c = rec({ usernameLower: undefined });
    const d = rec({ usernameLower: 'a', quality: 'mandatary' });
    expect([a, b, c, d].sort(plan.compare)).toEqual([c, b, d, a]);
  });

  test('when the projection runs a plan, then it pages one enterprise only and counts every match', () => {
    const p = new Projection();
    const mine = Array.from({ length: 25 }, (_v, i) => rec({ lastNameLower: `name${String(i).padStart(2, '0')}` }));
    for (const r of mine) p.putMembership(r);
    p.putMembership(rec({ enterpriseNumber: '0000000097', lastNameLower: 'name00' }));
    const page = p.search(EN, buildSearch({ enterpriseNumber: EN }, q({ lastName: 'name', page: '2', pageSize: '10' })));
    expect(page.total).toBe(25);
    expect(page.items.map((m) => m.lastNameLower)).toEqual(mine.slice(10, 20).map((m) => m.lastNameLower));
    p.dropMembership(mine[0]!._id);
    expect(p.search(EN, buildSearch({ enterpriseNumber: EN }, q({}))).total).toBe(24);
  });

  test('when the page size is above the maximum or the language unknown, then the query does not parse', () => {
    expect(UserSearchQuery.safeParse({ pageSize: '101' }).success).toBe(false);
    expect(UserSearchQuery.safeParse({ language: 'xx' }).success).toBe(false);
  });
});

describe('search by kind (manual 5.1 checkboxes)', () => {
  test('when kind is given, then only memberships of that kind match', () => {
    const plan = buildSearch({ enterpriseNumber: EN, quality: 'employer' }, q({ kind: 'co-local-manager' }));
    expect(plan.matches(rec({ kind: 'co-local-manager' }))).toBe(true);
    expect(plan.matches(rec({ kind: 'user' }))).toBe(false);
    expect(buildSearch({ enterpriseNumber: EN }, q({})).matches(rec({ kind: 'local-manager' }))).toBe(true);
    expect(() => q({ kind: 'access-manager' })).toThrow();
  });
});

describe('authorization projection', () => {
  const p = new Projection();
  const u1 = rec({ personId: 'u1', applications: ['dimona'] });
  p.putMembership(u1);
  p.putMembership(rec({ personId: 'u2', status: 'blocked', applications: ['dimona'] }));
  p.putMembership(rec({ personId: 'u3', accountStatus: 'blocked', applications: ['dimona'] }));
  p.putMembership(rec({ personId: 'gl', kind: 'local-manager', applications: [] }));
  p.putEnterpriseRole({ _id: 'role-rae', personId: 'rae', enterpriseNumber: EN, kind: 'access-manager', status: 'active' });

  test('when a user has the application granted, then allowed; another application or quality, then not', () => {
    expect(p.check('u1', 'dimona', EN, 'employer')).toEqual({ allowed: true, reason: 'granted' });
    expect(p.check('u1', 'dmfa', EN, 'employer')).toEqual({ allowed: false, reason: 'application-not-granted' });
    expect(p.check('u1', 'dimona', EN, 'mandatary')).toEqual({ allowed: false, reason: 'no-membership' });
    expect(p.check('u1', 'dimona', '0000000097')).toEqual({ allowed: false, reason: 'no-membership' });
  });

  test('when a user asks for user-management (manual 1.3.2), then allowed; blocked, then not', () => {
    expect(p.check('u1', 'user-management', EN, 'employer')).toEqual({ allowed: true, reason: 'granted' });
    expect(p.check('u1', 'user-management', EN)).toEqual({ allowed: true, reason: 'granted' });
    expect(p.check('u2', 'user-management', EN, 'employer')).toEqual({ allowed: false, reason: 'membership-blocked' });
  });

  test('when the membership or the account is blocked, then refused with that reason', () => {
    expect(p.check('u2', 'dimona', EN, 'employer')).toEqual({ allowed: false, reason: 'membership-blocked' });
    expect(p.check('u3', 'dimona', EN, 'employer')).toEqual({ allowed: false, reason: 'account-inactive' });
  });

  test('when a GL asks for any application of the quality, then allowed; a RAE only User Management', () => {
    expect(p.check('gl', 'ebox', EN, 'employer')).toEqual({ allowed: true, reason: 'local-manager' });
    expect(p.check('gl', 'mahis', EN, 'employer').allowed).toBe(false);
    expect(p.check('rae', 'user-management', EN)).toEqual({ allowed: true, reason: 'access-manager' });
    expect(p.check('rae', 'dimona', EN, 'employer')).toEqual({ allowed: false, reason: 'no-membership' });
  });

  test('when a membership or a role is replaced or dropped, then the next check follows', () => {
    p.putMembership({ ...u1, applications: ['dmfa'] });
    expect(p.check('u1', 'dimona', EN, 'employer').allowed).toBe(false);
    expect(p.check('u1', 'dmfa', EN, 'employer').allowed).toBe(true);
    p.dropMembership(u1._id);
    expect(p.check('u1', 'dmfa', EN, 'employer')).toEqual({ allowed: false, reason: 'no-membership' });
    p.putEnterpriseRole({ _id: 'role-rae', personId: 'rae', enterpriseNumber: EN, kind: 'access-manager', status: 'blocked' });
    expect(p.check('rae', 'user-management', EN)).toEqual({ allowed: false, reason: 'membership-blocked' });
    p.dropEnterpriseRole('role-rae');
    expect(p.check('rae', 'user-management', EN)).toEqual({ allowed: false, reason: 'no-membership' });
  });
});

describe('time-bound access in the projection and the search', () => {
  const from = Date.parse('2027-03-01T08:00:00.000Z');
  const until = Date.parse('2027-03-31T17:00:00.000Z');
  const p = new Projection();
  p.putMembership(rec({ personId: 'tb', applications: ['dimona', 'dmfa'], validFrom: new Date(from), validUntil: new Date(until), applicationWindows: [{ code: 'dmfa', validUntil: new Date(from + 1_000) }] as unknown as Rec['applicationWindows'] }));
  p.putEnterpriseRole({ _id: 'role-co-rae', personId: 'corae', enterpriseNumber: EN, kind: 'co-access-manager', status: 'active', validUntil: new Date(until) });

  test('when the check is asked 1 ms before validUntil, then allowed; at validUntil and after, refused as membership-not-current', () => {
    expect(p.check('tb', 'dimona', EN, 'employer', until - 1)).toEqual({ allowed: true, reason: 'granted' });
    expect(p.check('tb', 'dimona', EN, 'employer', until)).toEqual({ allowed: false, reason: 'membership-not-current' });
    expect(p.check('corae', 'user-management', EN, undefined, until - 1)).toEqual({ allowed: true, reason: 'access-manager' });
    expect(p.check('corae', 'user-management', EN, undefined, until)).toEqual({ allowed: false, reason: 'membership-not-current' });
  });

  test('when the check is asked exactly at validFrom, then allowed; 1 ms before, refused', () => {
    expect(p.check('tb', 'dimona', EN, 'employer', from)).toEqual({ allowed: true, reason: 'granted' });
    expect(p.check('tb', 'dimona', EN, 'employer', from - 1)).toEqual({ allowed: false, reason: 'membership-not-current' });
  });

  test('when a grant’s own window ends, then that application is refused from its validUntil on, the others not', () => {
    expect(p.check('tb', 'dmfa', EN, 'employer', from + 999)).toEqual({ allowed: true, reason: 'granted' });
    expect(p.check('tb', 'dmfa', EN, 'employer', from + 1_000)).toEqual({ allowed: false, reason: 'application-not-granted' });
    expect(p.check('tb', 'dimona', EN, 'employer', from + 1_000)).toEqual({ allowed: true, reason: 'granted' });
  });

  test('when a search asks for one validity, then it is judged at the plan’s now', () => {
    const m = rec({ validFrom: new Date(from), validUntil: new Date(until) });
    expect(buildSearch({ enterpriseNumber: EN }, q({ validity: 'current' }), until - 1).matches(m)).toBe(true);
    expect(buildSearch({ enterpriseNumber: EN }, q({ validity: 'current' }), until).matches(m)).toBe(false);
    expect(buildSearch({ enterpriseNumber: EN }, q({ validity: 'expired' }), until).matches(m)).toBe(true);
    expect(buildSearch({ enterpriseNumber: EN }, q({ validity: 'future' }), from - 1).matches(m)).toBe(true);
    expect(buildSearch({ enterpriseNumber: EN }, q({}), until).matches(m)).toBe(true);
  });

  test('when the sweep looks for candidates, then only records with a window are offered', () => {
    expect([...p.timeBound()].map((c) => c.record.personId).sort()).toEqual(['corae', 'tb']);
  });
});
