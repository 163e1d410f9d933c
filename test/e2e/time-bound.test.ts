/**
 * Time-bound access (issue 18 item 3), through the real processes with two user-management
 * instances: memberships, application grants and co-RAE designations with windows a few seconds
 * ahead. Nothing here measures speed: each test waits until a known instant and compares the
 * instants at which answers were asked and received with the window's bounds — allowed only when
 * asked strictly before validUntil, refused only when received at or after it.
 */
import { stopProcess } from '@um/devkit';
import { GOOD_PASSWORD, personBody } from '../support/fixtures';
import { expectOk, startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';

let sys: TestSystem;
let w: World;

beforeAll(async () => {
  sys = await startTestSystem({ instances: { 'user-management': 2 }, env: { UM_VALIDITY_SWEEP_SECONDS: '1' } });
  w = await buildWorld(sys.api);
});
afterAll(async () => {
  await sys?.shutdown();
});

const iso = (ms: number) => new Date(ms).toISOString();
const sleepUntil = async (ms: number) => {
  while (Date.now() < ms) await new Promise((resolve) => setTimeout(resolve, Math.min(200, Math.max(1, ms - Date.now()))));
};
const users = () => `/enterprises/${w.enterpriseA}/qualities/employer/users`;
const check = (token: string, application: string) =>
  sys.api.get(`/authorizations/check?application=${application}&enterpriseNumber=${w.enterpriseA}&quality=employer`, token);

interface Observation {
  sentAt: number;
  receivedAt: number;
  allowed: boolean;
  reason?: string;
}

/**
 * Asks until the answer is a refusal (or a deadline long past `until`), noting when each answer
 * was asked and received. The server decided between the two instants.
 */
async function observeUntilRefused(ask: () => Promise<{ allowed: boolean; reason?: string }>, until: number): Promise<Observation[]> {
  const seen: Observation[] = [];
  const giveUp = until + 60_000;
  for (;;) {
    const sentAt = Date.now();
    const answer = await ask();
    const receivedAt = Date.now();
    seen.push({ sentAt, receivedAt, ...answer });
    if (!answer.allowed || receivedAt > giveUp) return seen;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Allowed only when asked strictly before `until`; refused only when received at or after it; and both seen. */
function expectBoundaryHonoured(seen: Observation[], until: number): void {
  const allowed = seen.filter((o) => o.allowed);
  const refused = seen.filter((o) => !o.allowed);
  expect(allowed.length).toBeGreaterThan(0);
  expect(refused.length).toBe(1);
  for (const o of allowed) expect(o.sentAt).toBeLessThan(until);
  for (const o of refused) expect(o.receivedAt).toBeGreaterThanOrEqual(until);
}

async function register(extra: Record<string, unknown>) {
  const body = { ...personBody(), ...extra };
  const res = await sys.api.post(users(), body, w.tokens.glE);
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return { body, personId: res.body.personId as string, roleId: res.body.roleId as string };
}

test('when a membership’s validUntil passes, then the check allows strictly before it and refuses from it on, on both instances, with reason membership-not-current', async () => {
  const until = Date.now() + 8_000;
  const { body } = await register({ applications: ['dimona'], validUntil: iso(until) });
  const session = (await sys.api.post('/auth/login', { username: body.username, password: GOOD_PASSWORD })).body.token as string;
  const seen = await observeUntilRefused(async () => (await check(session, 'dimona')).body, until);
  expectBoundaryHonoured(seen, until);
  expect(seen.at(-1)!.reason).toBe('membership-not-current');
  // Both instances (round robin) refuse from then on.
  for (let i = 0; i < 4; i += 1) expect((await check(session, 'dimona')).body).toEqual({ allowed: false, reason: 'membership-not-current' });
});

test('when a membership starts in the future, then it is not offered, its role cannot be chosen (403 ROLE_NOT_CURRENT) and the check refuses; from validFrom on, all three follow; at validUntil the role’s session ends', async () => {
  const from = Date.now() + 6_000;
  const until = from + 6_000;
  const { body, roleId } = await register({ applications: ['dimona'], validFrom: iso(from), validUntil: iso(until) });
  const login = await sys.api.post('/auth/login', { username: body.username, password: GOOD_PASSWORD });
  expect(login.body.roles).toEqual([]);
  const bare = login.body.token as string;
  expect((await sys.api.get('/me', bare)).body.memberships).toEqual([]);
  expect((await check(bare, 'dimona')).body).toEqual({ allowed: false, reason: 'membership-not-current' });
  const early = await sys.api.post('/auth/session/role', { roleId }, bare);
  expect({ status: early.status, code: early.body.code }).toEqual({ status: 403, code: 'ROLE_NOT_CURRENT' });

  await sleepUntil(from);
  const later = await sys.api.post('/auth/login', { username: body.username, password: GOOD_PASSWORD });
  expect(later.body.roles).toEqual([expect.objectContaining({ kind: 'user', quality: 'employer', validFrom: iso(from), validUntil: iso(until) })]);
  const role = later.body.roles[0];
  const chosen = await sys.api.post('/auth/session/role', { roleId: role.id }, later.body.token);
  expect(chosen.status).toBe(200);
  const roleSession = chosen.body.token as string;
  expect((await check(roleSession, 'dimona')).body).toEqual({ allowed: true, reason: 'granted' });
  const me = await sys.api.get('/me', roleSession);
  expect(me.body.memberships).toEqual([expect.objectContaining({ role: expect.objectContaining({ id: role.id, validUntil: iso(until) }), applications: ['dimona'] })]);

  // The session of the chosen role: accepted strictly before validUntil, refused (401) from it on.
  const seen = await observeUntilRefused(async () => {
    const res = await sys.api.get('/me', roleSession);
    return { allowed: res.status === 200, reason: res.body.code };
  }, until);
  expectBoundaryHonoured(seen, until);
  expect(seen.at(-1)!.reason).toBe('UNAUTHENTICATED');
  const again = await sys.api.post('/auth/session/role', { roleId: role.id }, later.body.token);
  expect({ status: again.status, code: again.body.code }).toEqual({ status: 403, code: 'ROLE_NOT_CURRENT' });
  expect((await sys.api.get('/me', later.body.token)).body.memberships).toEqual([]);
});

test('when a manager searches, then expired, current and future memberships are all listed with their validity, and ?validity= picks one state', async () => {
  const past = await register({ validFrom: iso(Date.now() - 60_000), validUntil: iso(Date.now() - 30_000) });
  const future = await register({ validFrom: iso(Date.now() + 3_600_000) });
  const open = await register({});
  const items = async (query: string) => (await sys.api.get(`${users()}?pageSize=100&${query}`, w.tokens.glE)).body.items as Array<{ personId: string; validity: string }>;
  const all = await items('lastName=Peeters');
  const state = (personId: string) => all.find((i) => i.personId === personId)?.validity;
  expect([state(past.personId), state(future.personId), state(open.personId)]).toEqual(['expired', 'future', 'current']);
  const expired = (await items('validity=expired')).map((i) => i.personId);
  expect(expired).toContain(past.personId);
  expect(expired).not.toContain(future.personId);
  expect(expired).not.toContain(open.personId);
  expect((await items('validity=future')).map((i) => i.personId)).toEqual([future.personId]);
  expect((await sys.api.get(`${users()}?validity=later`, w.tokens.glE)).status).toBe(400);
});

test('when a window is changed by PATCH, then null clears a bound, a reversed window is 400 VALIDITY_WINDOW_INVALID and changes nothing, and the check follows at once', async () => {
  const { body, personId } = await register({ applications: ['dimona'], validUntil: iso(Date.now() - 1_000), validFrom: iso(Date.now() - 60_000) });
  const session = (await sys.api.post('/auth/login', { username: body.username, password: GOOD_PASSWORD })).body.token as string;
  expect((await check(session, 'dimona')).body.reason).toBe('membership-not-current');
  const url = `${users()}/${personId}`;
  const bad = await sys.api.request('PATCH', url, { token: w.tokens.glE, body: { validFrom: '2030-01-01T00:00:00Z', validUntil: '2029-01-01T00:00:00Z' } });
  expect({ status: bad.status, code: bad.body.code, field: bad.body.errors?.[0]?.field }).toEqual({ status: 400, code: 'VALIDITY_WINDOW_INVALID', field: 'validUntil' });
  const notIso = await sys.api.request('PATCH', url, { token: w.tokens.glE, body: { validUntil: 'tomorrow' } });
  expect(notIso.status).toBe(400);
  const unchanged = (await sys.api.get(url, w.tokens.glE)).body;
  expect(unchanged.validity).toBe('expired');
  const cleared = await sys.api.request('PATCH', url, { token: w.tokens.glE, body: { validUntil: null } });
  expect(cleared.status).toBe(200);
  expect(cleared.body.validUntil).toBeUndefined();
  expect(cleared.body.validity).toBe('current');
  // Both instances: the writer applied it before answering, the other on the broadcast.
  let answers: Array<{ allowed: boolean }> = [];
  for (let i = 0; i < 20 && !(answers.length > 0 && answers.every((a) => a.allowed)); i += 1) {
    answers = await Promise.all([1, 2, 3, 4].map(async () => (await check(session, 'dimona')).body));
  }
  expect(answers.every((a) => a.allowed)).toBe(true);
  const reversed = await sys.api.post(users(), { ...personBody(), validFrom: '2030-01-01T00:00:00Z', validUntil: '2030-01-01T00:00:00Z' }, w.tokens.glE);
  expect({ status: reversed.status, code: reversed.body.code }).toEqual({ status: 400, code: 'VALIDITY_WINDOW_INVALID' });
});

test('when an application grant carries a window, then that application is refused from its validUntil on while the open-ended grant stays', async () => {
  const until = Date.now() + 8_000;
  const { body, personId } = await register({ applications: ['dimona', { code: 'dmfa', validUntil: iso(until) }] });
  const view = (await sys.api.get(`${users()}/${personId}`, w.tokens.glE)).body;
  expect(view.applications).toEqual(['dimona', 'dmfa']);
  expect(view.applicationGrants).toEqual([
    { code: 'dimona', validity: 'current' },
    { code: 'dmfa', validUntil: iso(until), validity: 'current' },
  ]);
  const session = (await sys.api.post('/auth/login', { username: body.username, password: GOOD_PASSWORD })).body.token as string;
  const seen = await observeUntilRefused(async () => (await check(session, 'dmfa')).body, until);
  expectBoundaryHonoured(seen, until);
  expect(seen.at(-1)!.reason).toBe('application-not-granted');
  expect((await check(session, 'dimona')).body).toEqual({ allowed: true, reason: 'granted' });
  const bad = await sys.api.post(users(), { ...personBody(), applications: [{ code: 'dimona', validFrom: iso(until), validUntil: iso(until - 1) }] }, w.tokens.glE);
  expect({ status: bad.status, code: bad.body.code, field: bad.body.errors?.[0]?.field }).toEqual({ status: 400, code: 'VALIDITY_WINDOW_INVALID', field: 'applications.0.validUntil' });
});

test('when a co-RAE’s designation expires, then their session loses its rights at validUntil: refused from then on, and the role is no longer offered', async () => {
  const until = Date.now() + 10_000;
  const person = personBody();
  const { personId } = await expectOk<any>('co-RAE', sys.api.post(`/enterprises/${w.enterpriseA}/co-access-managers`, { ...person, validUntil: iso(until) }, w.tokens.rae));
  const listed = (await sys.api.get(`/enterprises/${w.enterpriseA}/co-access-managers`, w.tokens.rae)).body.items.find((m: { personId: string }) => m.personId === personId);
  expect(listed).toEqual(expect.objectContaining({ validUntil: iso(until), validity: 'current' }));
  const coRae = await sys.api.loginAs(person.username, GOOD_PASSWORD, (r) => r.kind === 'co-access-manager');
  const seen = await observeUntilRefused(async () => {
    const res = await sys.api.get(`/enterprises/${w.enterpriseA}`, coRae.token);
    return { allowed: res.status === 200, reason: res.body.code };
  }, until);
  expectBoundaryHonoured(seen, until);
  expect(seen.at(-1)!.reason).toBe('UNAUTHENTICATED');
  const login = await sys.api.post('/auth/login', { username: person.username, password: GOOD_PASSWORD });
  expect(login.body.roles).toEqual([]);
  expect((await sys.api.get(`/authorizations/check?application=user-management&enterpriseNumber=${w.enterpriseA}`, login.body.token)).body).toEqual({
    allowed: false,
    reason: 'membership-not-current',
  });
  // The RAE extends it: the same person may choose the role again.
  const extended = await sys.api.request('PATCH', `/enterprises/${w.enterpriseA}/co-access-managers/${personId}`, { token: w.tokens.rae, body: { validUntil: null } });
  expect({ status: extended.status, validity: extended.body.validity }).toEqual({ status: 200, validity: 'current' });
  expect((await sys.api.post('/auth/login', { username: person.username, password: GOOD_PASSWORD })).body.roles).toEqual([expect.objectContaining({ kind: 'co-access-manager' })]);
});

test('when a co-GL’s designation carries a window, then their membership follows it in the check and the list, and a PATCH of the window alone changes no person-level data', async () => {
  const until = Date.now() + 8_000;
  const person = personBody();
  const coGls = `/enterprises/${w.enterpriseA}/qualities/employer/co-local-managers`;
  const { personId } = await expectOk<any>('co-GL', sys.api.post(coGls, { ...person, validUntil: iso(until) }, w.tokens.rae));
  expect((await sys.api.get(`${coGls}/${personId}`, w.tokens.rae)).body).toEqual(expect.objectContaining({ validUntil: iso(until), validity: 'current' }));
  const session = (await sys.api.post('/auth/login', { username: person.username, password: GOOD_PASSWORD })).body.token as string;
  const seen = await observeUntilRefused(async () => (await check(session, 'ebox')).body, until);
  expectBoundaryHonoured(seen, until);
  expect(seen.at(-1)!.reason).toBe('membership-not-current');
  const search = (await sys.api.get(`${users()}?kind=co-local-manager&validity=expired`, w.tokens.rae)).body.items.map((i: { personId: string }) => i.personId);
  expect(search).toContain(personId);
  const reopened = await sys.api.request('PATCH', `${coGls}/${personId}`, { token: w.tokens.rae, body: { validUntil: null } });
  expect(reopened.status).toBe(200);
  expect(reopened.body).toEqual(expect.objectContaining({ firstName: person.firstName, validity: 'current' }));
  let answer = (await check(session, 'ebox')).body;
  // The co-GL's membership follows identity's event: poll until it arrives (a bound, not a speed).
  for (let i = 0; i < 40 && !answer.allowed; i += 1) {
    await sleepUntil(Date.now() + 250);
    answer = (await check(session, 'ebox')).body;
  }
  expect(answer).toEqual({ allowed: true, reason: 'local-manager' });
});

test('when memberships and grants reach their bounds with two user-management instances sweeping, then the trail shows each once', async () => {
  const from = Date.now() + 3_000;
  const until = from + 3_000;
  const { personId } = await register({ applications: [{ code: 'drs', validUntil: iso(until) }], validFrom: iso(from), validUntil: iso(until) });
  const trail = async () =>
    ((await sys.api.get(`/enterprises/${w.enterpriseA}/audit?pageSize=100`, w.tokens.rae)).body.items as Array<{ action: string; target: { id: string }; actor: { personId: string }; after?: Record<string, unknown> }>).filter(
      (r) => r.target.id === personId,
    );
  const expected = ['membership.started', 'membership.expired', 'application-grant.expired'];
  // The sweep runs every second on each instance: wait until all three are there, then a few sweeps more.
  const giveUp = until + 60_000;
  for (;;) {
    const actions = (await trail()).map((r) => r.action);
    if (expected.every((action) => actions.includes(action)) || Date.now() > giveUp) break;
    await sleepUntil(Date.now() + 500);
  }
  await sleepUntil(Date.now() + 3_000);
  const records = await trail();
  const count = (action: string) => records.filter((r) => r.action === action).length;
  expect(expected.map(count)).toEqual([1, 1, 1]);
  const expiredRecord = records.find((r) => r.action === 'membership.expired')!;
  expect(expiredRecord.actor.personId).toBe('system');
  expect(expiredRecord.after).toEqual(expect.objectContaining({ validUntil: iso(until), kind: 'user' }));
  expect(records.find((r) => r.action === 'application-grant.expired')!.after).toEqual({ application: 'drs', validUntil: iso(until) });
});

test('when the trail’s service is down while a membership expires, then the expiry is recorded once it is back, once, by whichever instance sweeps first', async () => {
  const until = Date.now() + 6_000;
  const { personId } = await register({ validUntil: iso(until) });
  const [enterprise] = sys.of('enterprise');
  await stopProcess(enterprise!);
  // Several sweeps of both instances fail to write the record meanwhile, and give their claim back.
  await sleepUntil(Math.max(until, Date.now()) + 4_000);
  sys.startInstance('enterprise');
  const expired = async () => {
    const res = await sys.api.get(`/enterprises/${w.enterpriseA}/audit?pageSize=100`, w.tokens.rae);
    return res.status === 200 ? (res.body.items as Array<{ action: string; target: { id: string } }>).filter((r) => r.target.id === personId && r.action === 'membership.expired') : [];
  };
  const giveUp = Date.now() + 60_000;
  while ((await expired()).length === 0 && Date.now() < giveUp) await sleepUntil(Date.now() + 500);
  await sleepUntil(Date.now() + 3_000);
  expect(await expired()).toHaveLength(1);
}, 120_000);

test('when every user-management instance is down while a membership expires, then the instances started afterwards record it, once', async () => {
  const until = Date.now() + 15_000;
  const { personId } = await register({ validUntil: iso(until) });
  await Promise.all(sys.of('user-management').map((p) => stopProcess(p)));
  await sleepUntil(Math.max(until, Date.now()) + 2_000);
  sys.startInstance('user-management');
  sys.startInstance('user-management');
  const expired = async () => {
    const res = await sys.api.get(`/enterprises/${w.enterpriseA}/audit?pageSize=100`, w.tokens.rae);
    return (res.body.items as Array<{ action: string; target: { id: string }; after?: Record<string, unknown> }>).filter((r) => r.target.id === personId && r.action === 'membership.expired');
  };
  const giveUp = Date.now() + 60_000;
  while ((await expired()).length === 0 && Date.now() < giveUp) await sleepUntil(Date.now() + 500);
  await sleepUntil(Date.now() + 3_000);
  const records = await expired();
  expect(records).toHaveLength(1);
  expect(records[0]!.after).toEqual(expect.objectContaining({ validUntil: iso(until) }));
  // And the new instances answer the check from a projection that honours the window.
  const session = (await sys.api.post('/auth/login', { username: (await sys.api.get(`${users()}/${personId}`, w.tokens.glE)).body.username, password: GOOD_PASSWORD })).body.token as string;
  expect((await check(session, 'user-management')).body).toEqual({ allowed: false, reason: 'membership-not-current' });
}, 150_000);
