/**
 * Issue 5 item 6: no response carries a person's membership or data outside the caller's scope.
 * One person is a member of enterprise A (employer) and of enterprise B (employer), with different
 * applications and company e-mails; every manager of each searches by every criterion.
 */
import { personBody } from '../support/fixtures';
import { startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';

let sys: TestSystem;
let w: World;
let shared: ReturnType<typeof personBody> & { personId: string };
let glB: string;

beforeAll(async () => {
  sys = await startTestSystem();
  w = await buildWorld(sys.api);
  const rae = w.tokens.raeB!;
  const glBody = personBody();
  const act = await sys.api.post(`/enterprises/${w.enterpriseB}/qualities`, { type: 'employer', data: { employerRegistrationNumber: '987654321' }, localManager: glBody }, rae);
  if (act.status !== 201) throw new Error(JSON.stringify(act.body));
  glB = (await sys.api.loginAs(glBody.username, glBody.password, (r) => r.kind === 'local-manager')).token;
  const person = personBody({ firstName: 'Shared', lastName: 'Twoplaces', title: 'Prof', email: 'shared.twoplaces@example.be' });
  const inA = await sys.api.post(`/enterprises/${w.enterpriseA}/qualities/employer/users`, { ...person, applications: ['dimona'], companyEmail: 'shared@a.example' }, w.tokens.rae);
  const inB = await sys.api.post(`/enterprises/${w.enterpriseB}/qualities/employer/users`, { ...person, applications: ['ebox'], companyEmail: 'shared@b.example' }, rae);
  if (inA.status !== 201 || inB.status !== 201 || inA.body.personId !== inB.body.personId) throw new Error('seeding the shared person');
  shared = { ...person, personId: inA.body.personId };
});
afterAll(async () => {
  await sys?.shutdown();
});

const criteria = () => [
  `lastName=twopl`,
  `firstName=SHARED`,
  `title=prof`,
  `email=shared.two`,
  `niss=${shared.niss}`,
  `username=${shared.username}`,
  `language=nl&lastName=Twoplaces`,
  `status=active&lastName=Twoplaces`,
  `quality=employer&application=dimona`,
  `quality=employer&application=ebox`,
  'pageSize=100',
];

test('when each manager of each enterprise searches by every criterion, then only their own enterprise’s membership comes back', async () => {
  const callers: Array<[string, string, string, string]> = [
    ['rae A', w.tokens.rae!, w.enterpriseA, `/enterprises/${w.enterpriseA}/users`],
    ['co-RAE A', w.tokens.coRae!, w.enterpriseA, `/enterprises/${w.enterpriseA}/users`],
    ['GL A', w.tokens.glE!, w.enterpriseA, `/enterprises/${w.enterpriseA}/qualities/employer/users`],
    ['co-GL A', w.tokens.coGlE!, w.enterpriseA, `/enterprises/${w.enterpriseA}/qualities/employer/users`],
    ['rae B', w.tokens.raeB!, w.enterpriseB, `/enterprises/${w.enterpriseB}/users`],
    ['GL B', glB, w.enterpriseB, `/enterprises/${w.enterpriseB}/qualities/employer/users`],
  ];
  for (const [who, token, own, url] of callers) {
    for (const criterion of criteria()) {
      const query = url.includes('/qualities/') ? criterion.replace('quality=employer&', '') : criterion;
      const res = await sys.api.get(`${url}?${query}`, token);
      expect({ who, query, status: res.status }).toEqual({ who, query, status: 200 });
      const text = JSON.stringify(res.body);
      const other = own === w.enterpriseA ? w.enterpriseB : w.enterpriseA;
      expect({ who, query, leaks: text.includes(other) || text.includes(own === w.enterpriseA ? 'shared@b.example' : 'shared@a.example') }).toEqual({ who, query, leaks: false });
      for (const item of res.body.items) expect(item.enterpriseNumber).toBe(own);
      const mine = res.body.items.filter((i: { personId: string }) => i.personId === shared.personId);
      for (const item of mine) expect(item.applications).toEqual(own === w.enterpriseA ? ['dimona'] : ['ebox']);
    }
  }
});

test('when a manager reads or changes the shared person through the other enterprise, then 404 and nothing changed', async () => {
  const inB = `/enterprises/${w.enterpriseB}/qualities/employer/users/${shared.personId}`;
  for (const [token, enterpriseManager] of [[w.tokens.rae, true], [w.tokens.coRae, true], [w.tokens.glE, false], [w.tokens.coGlE, false]] as const) {
    expect((await sys.api.get(inB, token)).status).toBe(404);
    expect((await sys.api.request('PATCH', inB, { token, body: { applications: [] } })).status).toBe(404);
    expect((await sys.api.request('POST', `${inB}/block`, { token })).status).toBe(404);
    expect((await sys.api.request('DELETE', inB, { token })).status).toBe(404);
    // The enterprise-wide search is no local manager's, whatever the enterprise: 403 before any look at B.
    expect((await sys.api.get(`/enterprises/${w.enterpriseB}/users?niss=${shared.niss}`, token)).status).toBe(enterpriseManager ? 404 : 403);
  }
  const fromB = await sys.api.get(inB, w.tokens.raeB);
  expect(fromB.body).toEqual(expect.objectContaining({ status: 'active', applications: ['ebox'], companyEmail: 'shared@b.example' }));
});

test('when a GL of another quality of the same enterprise asks, then 403 and no data', async () => {
  const res = await sys.api.get(`/enterprises/${w.enterpriseA}/qualities/employer/users?lastName=two`, w.tokens.glM);
  expect(res.status).toBe(403);
  expect(JSON.stringify(res.body)).not.toContain(shared.personId);
});

test('when the shared person asks the authorization check, then each enterprise answers for its own grants only', async () => {
  const session = (await sys.api.post('/auth/login', { username: shared.username, password: shared.password })).body.token;
  const check = (en: string, app: string) => sys.api.get(`/authorizations/check?application=${app}&enterpriseNumber=${en}&quality=employer`, session).then((r) => r.body.allowed);
  expect([await check(w.enterpriseA, 'dimona'), await check(w.enterpriseA, 'ebox'), await check(w.enterpriseB, 'ebox'), await check(w.enterpriseB, 'dimona')]).toEqual([true, false, true, false]);
});
