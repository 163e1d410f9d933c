/**
 * Issue 5 item 4: GET /authorizations/check for the session's person, answered from each
 * user-management instance's in-memory projection (two instances here, so both must follow every
 * change). "Within 1 s" is checked by polling up to 1 s — a bound, not a benchmark.
 */
import { GOOD_PASSWORD, personBody } from '../support/fixtures';
import { startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';

let sys: TestSystem;
let w: World;
let user: { personId: string; session: string };

beforeAll(async () => {
  sys = await startTestSystem({ instances: { 'user-management': 2 } });
  w = await buildWorld(sys.api);
  const body = { ...personBody(), applications: ['dimona'] };
  const res = await sys.api.post(`/enterprises/${w.enterpriseA}/qualities/employer/users`, body, w.tokens.glE);
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  const login = await sys.api.post('/auth/login', { username: body.username, password: GOOD_PASSWORD });
  user = { personId: res.body.personId, session: login.body.token };
});
afterAll(async () => {
  await sys?.shutdown();
});

const check = (token: string | undefined, application: string, quality?: string, enterpriseNumber = w.enterpriseA) =>
  sys.api.get(`/authorizations/check?application=${application}&enterpriseNumber=${enterpriseNumber}${quality ? `&quality=${quality}` : ''}`, token);

/** Asks both instances (round robin) several times: every answer must be the expected one. */
async function answers(token: string, application: string, quality?: string, n = 4) {
  return Promise.all(Array.from({ length: n }, () => check(token, application, quality).then((r) => r.body)));
}

/** Polls until every instance answers `allowed` as expected, for at most 1 s. */
async function within1s(token: string, application: string, quality: string, allowed: boolean): Promise<boolean> {
  const deadline = Date.now() + 1_000;
  for (;;) {
    const all = await answers(token, application, quality);
    if (all.every((a) => a.allowed === allowed)) return true;
    if (Date.now() > deadline) return false;
  }
}

test('when a user has the application granted, then allowed with reason granted; another application, then not', async () => {
  expect(await answers(user.session, 'dimona', 'employer')).toEqual(Array(4).fill({ allowed: true, reason: 'granted' }));
  expect((await check(user.session, 'dmfa', 'employer')).body).toEqual({ allowed: false, reason: 'application-not-granted' });
  expect((await check(user.session, 'dimona', 'mandatary')).body).toEqual({ allowed: false, reason: 'no-membership' });
  expect((await check(user.session, 'dimona', 'employer', w.enterpriseB)).body).toEqual({ allowed: false, reason: 'no-membership' });
});

test('when a GL or co-GL asks for any application of their quality, then allowed; of another quality, then not', async () => {
  for (const token of [w.tokens.glE!, w.tokens.coGlE!]) {
    for (const app of ['dimona', 'dmfa', 'drs', 'ebox']) expect((await check(token, app, 'employer')).body.allowed).toBe(true);
    expect((await check(token, 'mahis', 'mandatary')).body.allowed).toBe(false);
  }
  expect((await check(w.tokens.glM, 'mahis', 'mandatary')).body).toEqual({ allowed: true, reason: 'local-manager' });
});

test('when a RAE or co-RAE asks, then only user-management is allowed', async () => {
  for (const token of [w.tokens.rae!, w.tokens.coRae!]) {
    expect((await check(token, 'user-management')).body).toEqual({ allowed: true, reason: 'access-manager' });
    expect((await check(token, 'dimona', 'employer')).body.allowed).toBe(false);
  }
  expect((await check(w.tokens.raeB, 'user-management')).body.allowed).toBe(false);
  expect((await check(w.tokens.cc, 'user-management')).body.allowed).toBe(false);
});

test('when the application is granted or revoked by PATCH, then every instance follows within 1 s', async () => {
  const url = `/enterprises/${w.enterpriseA}/qualities/employer/users/${user.personId}`;
  expect((await sys.api.request('PATCH', url, { token: w.tokens.glE, body: { applications: ['dimona', 'dmfa'] } })).status).toBe(200);
  expect(await within1s(user.session, 'dmfa', 'employer', true)).toBe(true);
  expect((await sys.api.request('PATCH', url, { token: w.tokens.glE, body: { applications: ['dimona'] } })).status).toBe(200);
  expect(await within1s(user.session, 'dmfa', 'employer', false)).toBe(true);
});

test('when a user is blocked, then the next checks refuse within 1 s; unblocked, allowed again', async () => {
  // A second session of the person: the block ends the role's sessions, not a bare session.
  const url = `/enterprises/${w.enterpriseA}/qualities/employer/users/${user.personId}`;
  expect((await sys.api.request('POST', `${url}/block`, { token: w.tokens.glE })).status).toBe(200);
  expect(await within1s(user.session, 'dimona', 'employer', false)).toBe(true);
  expect((await check(user.session, 'dimona', 'employer')).body.reason).toBe('membership-blocked');
  expect((await sys.api.request('POST', `${url}/unblock`, { token: w.tokens.glE })).status).toBe(200);
  expect(await within1s(user.session, 'dimona', 'employer', true)).toBe(true);
});

test('when a co-GL is blocked by the quality service, then their checks refuse within 1 s', async () => {
  const body = personBody();
  const { personId } = (await sys.api.post(`/enterprises/${w.enterpriseA}/qualities/employer/co-local-managers`, body, w.tokens.rae)).body;
  const session = (await sys.api.post('/auth/login', { username: body.username, password: GOOD_PASSWORD })).body.token;
  expect(await within1s(session, 'ebox', 'employer', true)).toBe(true);
  await sys.api.post(`/enterprises/${w.enterpriseA}/qualities/employer/co-local-managers/${personId}/block`, {}, w.tokens.rae);
  expect(await within1s(session, 'ebox', 'employer', false)).toBe(true);
});

test('when the membership is deleted, then the next checks refuse within 1 s', async () => {
  const body = { ...personBody(), applications: ['drs'] };
  const { personId } = (await sys.api.post(`/enterprises/${w.enterpriseA}/qualities/employer/users`, body, w.tokens.glE)).body;
  // Also a member elsewhere, so the session lives on after the deletion.
  await sys.api.post(`/enterprises/${w.enterpriseA}/qualities/mandatary/users`, { niss: body.niss, firstName: 'Ann', lastName: 'Peeters', language: 'nl' }, w.tokens.rae);
  const session = (await sys.api.post('/auth/login', { username: body.username, password: GOOD_PASSWORD })).body.token;
  expect(await within1s(session, 'drs', 'employer', true)).toBe(true);
  expect((await sys.api.request('DELETE', `/enterprises/${w.enterpriseA}/qualities/employer/users/${personId}`, { token: w.tokens.glE })).status).toBe(204);
  expect(await within1s(session, 'drs', 'employer', false)).toBe(true);
});

test('when the query is bad or there is no session, then 400 or 401', async () => {
  expect((await sys.api.get(`/authorizations/check?application=dimona&enterpriseNumber=123`, user.session)).body.code).toBe('ENTERPRISE_NUMBER_INVALID');
  expect((await sys.api.get(`/authorizations/check?enterpriseNumber=${w.enterpriseA}`, user.session)).status).toBe(400);
  expect((await sys.api.get(`/authorizations/check?application=dimona&enterpriseNumber=${w.enterpriseA}&quality=bank`, user.session)).status).toBe(400);
  expect((await check(undefined, 'dimona', 'employer')).status).toBe(401);
});

test('when GET /me is asked, then each membership lists what user-management grants it', async () => {
  const me = await sys.api.get('/me', user.session);
  expect(me.status).toBe(200);
  expect(me.body.memberships).toEqual([expect.objectContaining({ role: expect.objectContaining({ kind: 'user', quality: 'employer' }), applications: ['dimona'] })]);
});
