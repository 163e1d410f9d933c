/**
 * Every designation is idempotent or a conflict, also under concurrency (issue 13, fuzzer
 * finding): six identical designations sent at once leave exactly one role, decided by identity's
 * unique role key in the store. A known NISS is reused (`created: false`), never rewritten.
 */
import { GOOD_PASSWORD, onboardingBody, personBody } from '../support/fixtures';
import { expectOk, startTestSystem, type TestSystem } from '../support/system';

let sys: TestSystem;
let en: string;
let rae: string;

beforeAll(async () => {
  sys = await startTestSystem();
  const cc = (await sys.api.operator()).token;
  const body = onboardingBody({ eligibleQualities: ['employer', 'mandatary'] });
  await expectOk('onboard', sys.api.post('/admin/enterprises', body, cc));
  en = body.enterpriseNumber;
  rae = (await sys.api.loginAs(body.accessManager.username, GOOD_PASSWORD)).token;
  await expectOk('employer', sys.api.post(`/enterprises/${en}/qualities`, { type: 'employer', data: { employerRegistrationNumber: '123456789' }, localManager: personBody() }, rae));
});
afterAll(async () => {
  await sys?.shutdown();
});

const six = <T>(send: () => Promise<T>) => Promise.all(Array.from({ length: 6 }, send));
/** The person's roles as their own login lists them (identity, the owner of roles). */
const rolesOf = async (username: string) => (await sys.api.post('/auth/login', { username, password: GOOD_PASSWORD })).body.roles as Array<{ kind: string; enterpriseNumber?: string; quality?: string }>;
const count = (roles: Array<{ kind: string; enterpriseNumber?: string }>, kind: string) => roles.filter((r) => r.kind === kind && r.enterpriseNumber === en).length;

test.each([
  ['co-access-manager', () => `/enterprises/${en}/co-access-managers`],
  ['co-local-manager', () => `/enterprises/${en}/qualities/employer/co-local-managers`],
  ['user', () => `/enterprises/${en}/qualities/employer/users`],
])('when the same person is designated %s six times at once, then exactly one role exists: one 201, the others 409 ALREADY_MEMBER', async (kind, url) => {
  const person = personBody();
  const answers = await six(() => sys.api.post(url(), person, rae));
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
  for (const a of answers.filter((x) => x.status === 409)) expect(a.body.code).toBe('ALREADY_MEMBER');
  expect(count(await rolesOf(person.username), kind)).toBe(1);
  // And once more, afterwards: still a conflict, still one role.
  const again = await sys.api.post(url(), person, rae);
  expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'ALREADY_MEMBER' });
  expect(count(await rolesOf(person.username), kind)).toBe(1);
});

test('when the co-RAE list is read after concurrent designations, then the person appears once', async () => {
  const person = personBody();
  await six(() => sys.api.post(`/enterprises/${en}/co-access-managers`, person, rae));
  const list = (await sys.api.get(`/enterprises/${en}/co-access-managers`, rae)).body.items as Array<{ niss: string }>;
  expect(list.filter((m) => m.niss === person.niss)).toHaveLength(1);
});

test.each([
  ['local-manager', () => `/enterprises/${en}/qualities/employer/local-manager`],
  ['user', () => `/enterprises/${en}/qualities/employer/technical-user`],
])('when the same person is made %s through a PUT six times at once, then every answer is 200 and one role exists', async (kind, url) => {
  const person = personBody();
  const answers = await six(() => sys.api.request('PUT', url(), { token: rae, body: person }));
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
  expect(new Set(answers.map((a) => a.body.personId)).size).toBe(1);
  expect(count(await rolesOf(person.username), kind)).toBe(1);
});

test('when a known NISS is designated with matching names in other case and accents, then it is reused (created: false); other names are 409 PERSON_MISMATCH', async () => {
  const person = personBody({ firstName: 'Émile', lastName: 'Dupont' });
  const first = await sys.api.post(`/enterprises/${en}/co-access-managers`, person, rae);
  expect(first.body).toMatchObject({ created: true });
  const reused = await sys.api.post(`/enterprises/${en}/qualities/employer/co-local-managers`, { niss: person.niss, firstName: 'EMILE', lastName: 'dupont', language: 'fr' }, rae);
  expect(reused.status).toBe(201);
  expect(reused.body).toMatchObject({ personId: first.body.personId, created: false });
  const mismatch = await sys.api.post(`/enterprises/${en}/qualities/employer/users`, { niss: person.niss, firstName: 'Mallory', lastName: 'Dupont', language: 'fr' }, rae);
  expect({ status: mismatch.status, code: mismatch.body.code }).toEqual({ status: 409, code: 'PERSON_MISMATCH' });
  expect(count(await rolesOf(person.username), 'user')).toBe(0);
  // The person was not rewritten by the reuse (language sent: fr; theirs: nl).
  const coRae = (await sys.api.get(`/enterprises/${en}/co-access-managers`, rae)).body.items.find((m: { personId: string }) => m.personId === first.body.personId);
  expect(coRae).toMatchObject({ firstName: 'Émile', lastName: 'Dupont', language: 'nl' });
});

test('when a person name carries NUL, a newline or the right-to-left override, on create or on PATCH, then 400 NAME_INVALID and nothing changes', async () => {
  const bad = await sys.api.post(`/enterprises/${en}/co-access-managers`, personBody({ firstName: 'Ann\u202Esretee' }), rae);
  expect({ status: bad.status, code: bad.body.code, field: bad.body.errors?.[0]?.field }).toEqual({ status: 400, code: 'NAME_INVALID', field: 'firstName' });
  const person = personBody({ firstName: '  Zoe\u0308 ' });
  const created = await sys.api.post(`/enterprises/${en}/co-access-managers`, person, rae);
  expect(created.status).toBe(201);
  for (const lastName of ['Pee\nters', 'Pee\u0000ters', '']) {
    const patch = await sys.api.request('PATCH', `/enterprises/${en}/co-access-managers/${created.body.personId}`, { token: rae, body: { lastName } });
    expect({ status: patch.status, code: patch.body.code }).toEqual({ status: 400, code: 'NAME_INVALID' });
  }
  const list = (await sys.api.get(`/enterprises/${en}/co-access-managers`, rae)).body.items as Array<{ personId: string; firstName: string; lastName: string }>;
  expect(list.find((m) => m.personId === created.body.personId)).toMatchObject({ firstName: 'Zoë', lastName: 'Peeters' });
});
