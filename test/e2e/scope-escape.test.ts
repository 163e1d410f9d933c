/**
 * Delegation that cannot be escaped (PRODUCT.md §7.1, issue 13), generated from the rights table
 * like permissions-all: every route of ROUTE_RULES that changes a person or a membership × every
 * manager kind of enterprise A (RAE, co-RAE, GL and co-GL of employer) × a target person who ALSO
 * holds a role in another quality of A (a user of mandatary) and in another enterprise (a user of
 * B's employer). The answer is 2xx only when the table allows the route and the change stays on
 * the membership; a change of person-level data answers 403 PERSON_OUTSIDE_SCOPE. Whatever the
 * answer, nothing of the person outside the actor's scope changes: read back through the owners'
 * own routes (B's RAE, A's mandatary membership), and the person still logs in with their old
 * password. A mutating route of the table that this file does not classify fails the first test.
 */
import { ROUTE_RULES, authorize, routeRule, type CapabilityName, type RoleScope } from '@um/domain';
import { GOOD_PASSWORD, personBody, onboardingBody } from '../support/fixtures';
import { expectOk, startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';

let sys: TestSystem;
let w: World;
let glB: string;

beforeAll(async () => {
  sys = await startTestSystem();
  w = await buildWorld(sys.api);
  const glBBody = personBody();
  await expectOk('B employer', sys.api.post(`/enterprises/${w.enterpriseB}/qualities`, { type: 'employer', data: { employerRegistrationNumber: '987654321' }, localManager: glBBody }, w.tokens.raeB));
  glB = (await sys.api.loginAs(glBBody.username, GOOD_PASSWORD)).token;
});
afterAll(async () => {
  await sys?.shutdown();
});

const req = (method: string, url: string, token: string | undefined, body?: unknown) => sys.api.request(method, url, { token, body });
const A = () => w.enterpriseA;
const B = () => w.enterpriseB;
const ok = <T = any>(label: string, p: Promise<{ status: number; body: T }>) => expectOk<T>(label, p);

// ---- the classification of every mutating route of the rights table ---------------------------

/**
 * person: changes person-level data (names, language, e-mails, password, account);
 * membership: changes one membership or role (block, unblock, delete);
 * designation: names a person by NISS (a known person is reused, never rewritten);
 * none: changes no person (self-service, sessions, channels, routing, quality data, mandates).
 */
type Kind = 'person' | 'membership' | 'designation' | 'none';
const EN = '/enterprises/{enterpriseNumber}';
const QT = `${EN}/qualities/{type}`;
const CLASSIFIED: Record<string, Kind> = {
  'POST /auth/login': 'none',
  'POST /auth/login/certificate': 'none',
  'POST /auth/session/role': 'none',
  'POST /auth/logout': 'none',
  'PATCH /me': 'none',
  'PUT /me/password': 'none',
  'PUT /me/certificate': 'none',
  'DELETE /me/certificate': 'none',
  [`POST ${EN}/qualities`]: 'designation',
  [`PUT ${QT}/local-manager`]: 'designation',
  [`POST ${EN}/co-access-managers`]: 'designation',
  [`PATCH ${EN}/co-access-managers/{personId}`]: 'person',
  [`DELETE ${EN}/co-access-managers/{personId}`]: 'membership',
  [`POST ${EN}/co-access-managers/{personId}/block`]: 'membership',
  [`POST ${EN}/co-access-managers/{personId}/unblock`]: 'membership',
  [`PUT ${EN}/co-access-managers/{personId}/password`]: 'person',
  [`POST ${EN}/batch-channels`]: 'none',
  [`DELETE ${EN}/batch-channels/{channelId}`]: 'none',
  [`PATCH ${QT}`]: 'none',
  [`POST ${QT}/scim-tokens`]: 'none',
  [`DELETE ${QT}/scim-tokens/{tokenId}`]: 'none',
  [`POST ${EN}/webhooks`]: 'none',
  [`DELETE ${EN}/webhooks/{webhookId}`]: 'none',
  [`POST ${QT}/users`]: 'designation',
  [`PATCH ${QT}/users/{personId}`]: 'person',
  [`DELETE ${QT}/users/{personId}`]: 'membership',
  [`POST ${QT}/users/{personId}/block`]: 'membership',
  [`POST ${QT}/users/{personId}/unblock`]: 'membership',
  [`PUT ${QT}/users/{personId}/password`]: 'person',
  [`POST ${QT}/co-local-managers`]: 'designation',
  [`DELETE ${QT}/co-local-managers/{personId}`]: 'membership',
  [`POST ${QT}/co-local-managers/{personId}/block`]: 'membership',
  [`POST ${QT}/co-local-managers/{personId}/unblock`]: 'membership',
  [`PATCH ${QT}/co-local-managers/{personId}`]: 'person',
  [`PUT ${QT}/co-local-managers/{personId}/password`]: 'person',
  [`PUT ${QT}/technical-user`]: 'designation',
  [`PUT ${QT}/routing/{declarationType}`]: 'none',
  [`PUT ${QT}/routing/{declarationType}/channel`]: 'none',
  'POST /admin/enterprises': 'designation',
  [`PUT /admin${EN}/access-manager`]: 'designation',
  [`POST /admin${EN}/mandates`]: 'none',
  [`PATCH /admin${QT}`]: 'none',
  [`PATCH /admin${EN}/mandates/{mandateId}`]: 'none',
  [`DELETE /admin${EN}/mandates/{mandateId}`]: 'none',
  'POST /admin/persons/{personId}/unlock': 'person',
  'PUT /admin/persons/{personId}/password': 'person',
};

// ---- targets: a person with roles in A (the route's), in another quality of A, and in B -------

type Variant = 'user' | 'coRae' | 'coGl' | 'outsider';
interface Target {
  personId: string;
  body: ReturnType<typeof personBody>;
}

/**
 * `user`/`coRae`/`coGl`: that role in A (employer for the quality-level ones); `outsider`: no role
 * in A's employer nor at A's enterprise level. Every variant is also a user of A's mandatary and of
 * B's employer.
 */
async function target(variant: Variant): Promise<Target> {
  const body = personBody();
  const same = { niss: body.niss, firstName: body.firstName, lastName: body.lastName, language: body.language };
  let personId: string | undefined;
  if (variant === 'user') personId = (await ok('user', req('POST', `/enterprises/${A()}/qualities/employer/users`, w.tokens.rae, { ...body, applications: ['dimona'] }))).personId;
  if (variant === 'coRae') personId = (await ok('co-RAE', req('POST', `/enterprises/${A()}/co-access-managers`, w.tokens.rae, body))).personId;
  if (variant === 'coGl') personId = (await ok('co-GL', req('POST', `/enterprises/${A()}/qualities/employer/co-local-managers`, w.tokens.rae, body))).personId;
  const mandatary = await ok('mandatary user', req('POST', `/enterprises/${A()}/qualities/mandatary/users`, w.tokens.rae, { ...(personId ? same : body), applications: ['mahis'] }));
  await ok('user of B', req('POST', `/enterprises/${B()}/qualities/employer/users`, w.tokens.raeB, { ...same, applications: ['dimona'] }));
  return { personId: personId ?? mandatary.personId, body };
}

/** Everything of the person outside the actor's reach, as the owners' own routes show it. */
async function outside(t: Target) {
  const inB = await req('GET', `/enterprises/${B()}/qualities/employer/users/${t.personId}`, w.tokens.raeB);
  const inMandatary = await req('GET', `/enterprises/${A()}/qualities/mandatary/users/${t.personId}`, w.tokens.rae);
  const login = await req('POST', '/auth/login', undefined, { username: t.body.username, password: GOOD_PASSWORD });
  const roles = (login.body.roles ?? []) as Array<{ kind: string; enterpriseNumber?: string; quality?: string }>;
  return {
    inB: { status: inB.status, body: inB.body },
    inMandatary: { status: inMandatary.status, body: inMandatary.body },
    login: login.status,
    rolesOutside: roles.filter((r) => r.enterpriseNumber !== A() || r.quality === 'mandatary').map((r) => `${r.kind}:${r.enterpriseNumber}:${r.quality ?? ''}`).sort(),
  };
}

/** The body a designation sends for a known person: their NISS and names, other everything else. */
const designationBody = (t: Target) => ({
  niss: t.body.niss,
  firstName: t.body.firstName.toUpperCase(),
  lastName: t.body.lastName,
  language: 'fr',
  email: 'mallory@evil.example',
  username: `mallory${Date.now()}`.slice(0, 20),
  password: 'Mallory#2026x',
});

interface Case {
  route: string;
  variant: Variant;
  /** The quality the route acts on (for the table's decision). */
  quality?: string;
  /** Status when allowed (membership and designation routes). */
  ok: number;
  send(token: string | undefined, t: Target, actor: Manager): Promise<{ status: number; body: any }>;
}

const Q = (type = 'employer') => `/enterprises/${A()}/qualities/${type}`;
const TYPE_FOR: Partial<Record<Manager, string>> = { rae: 'curator', coRae: 'service-provider' };
const cases: Case[] = [
  { route: `PATCH ${EN}/co-access-managers/{personId}`, variant: 'coRae', ok: 200, send: (tk, t) => req('PATCH', `/enterprises/${A()}/co-access-managers/${t.personId}`, tk, { firstName: 'Mallory', language: 'fr' }) },
  { route: `PUT ${EN}/co-access-managers/{personId}/password`, variant: 'coRae', ok: 204, send: (tk, t) => req('PUT', `/enterprises/${A()}/co-access-managers/${t.personId}/password`, tk, { password: 'Mallory#2026x' }) },
  { route: `DELETE ${EN}/co-access-managers/{personId}`, variant: 'coRae', ok: 204, send: (tk, t) => req('DELETE', `/enterprises/${A()}/co-access-managers/${t.personId}`, tk) },
  { route: `POST ${EN}/co-access-managers/{personId}/block`, variant: 'coRae', ok: 200, send: (tk, t) => req('POST', `/enterprises/${A()}/co-access-managers/${t.personId}/block`, tk) },
  { route: `POST ${EN}/co-access-managers/{personId}/unblock`, variant: 'coRae', ok: 200, send: (tk, t) => req('POST', `/enterprises/${A()}/co-access-managers/${t.personId}/unblock`, tk) },
  { route: `PATCH ${QT}/users/{personId}`, variant: 'user', quality: 'employer', ok: 200, send: (tk, t) => req('PATCH', `${Q()}/users/${t.personId}`, tk, { language: 'fr', emails: ['mallory@evil.example'] }) },
  { route: `PUT ${QT}/users/{personId}/password`, variant: 'user', quality: 'employer', ok: 204, send: (tk, t) => req('PUT', `${Q()}/users/${t.personId}/password`, tk, { password: 'Mallory#2026x' }) },
  { route: `DELETE ${QT}/users/{personId}`, variant: 'user', quality: 'employer', ok: 204, send: (tk, t) => req('DELETE', `${Q()}/users/${t.personId}`, tk) },
  { route: `POST ${QT}/users/{personId}/block`, variant: 'user', quality: 'employer', ok: 200, send: (tk, t) => req('POST', `${Q()}/users/${t.personId}/block`, tk) },
  { route: `POST ${QT}/users/{personId}/unblock`, variant: 'user', quality: 'employer', ok: 200, send: (tk, t) => req('POST', `${Q()}/users/${t.personId}/unblock`, tk) },
  { route: `DELETE ${QT}/co-local-managers/{personId}`, variant: 'coGl', quality: 'employer', ok: 204, send: (tk, t) => req('DELETE', `${Q()}/co-local-managers/${t.personId}`, tk) },
  { route: `POST ${QT}/co-local-managers/{personId}/block`, variant: 'coGl', quality: 'employer', ok: 200, send: (tk, t) => req('POST', `${Q()}/co-local-managers/${t.personId}/block`, tk) },
  { route: `POST ${QT}/co-local-managers/{personId}/unblock`, variant: 'coGl', quality: 'employer', ok: 200, send: (tk, t) => req('POST', `${Q()}/co-local-managers/${t.personId}/unblock`, tk) },
  { route: `PATCH ${QT}/co-local-managers/{personId}`, variant: 'coGl', quality: 'employer', ok: 200, send: (tk, t) => req('PATCH', `${Q()}/co-local-managers/${t.personId}`, tk, { firstName: 'Mallory', language: 'fr' }) },
  { route: `PUT ${QT}/co-local-managers/{personId}/password`, variant: 'coGl', quality: 'employer', ok: 204, send: (tk, t) => req('PUT', `${Q()}/co-local-managers/${t.personId}/password`, tk, { password: 'Mallory#2026x' }) },
  { route: 'POST /admin/persons/{personId}/unlock', variant: 'user', ok: 204, send: (tk, t) => req('POST', `/admin/persons/${t.personId}/unlock`, tk) },
  { route: 'PUT /admin/persons/{personId}/password', variant: 'user', ok: 204, send: (tk, t) => req('PUT', `/admin/persons/${t.personId}/password`, tk, { password: 'Mallory#2026x' }) },
  { route: `POST ${EN}/co-access-managers`, variant: 'outsider', ok: 201, send: (tk, t) => req('POST', `/enterprises/${A()}/co-access-managers`, tk, designationBody(t)) },
  { route: `POST ${QT}/users`, variant: 'outsider', quality: 'employer', ok: 201, send: (tk, t) => req('POST', `${Q()}/users`, tk, { ...designationBody(t), applications: ['dimona'] }) },
  { route: `POST ${QT}/co-local-managers`, variant: 'outsider', quality: 'employer', ok: 201, send: (tk, t) => req('POST', `${Q()}/co-local-managers`, tk, designationBody(t)) },
  { route: `PUT ${QT}/technical-user`, variant: 'outsider', quality: 'employer', ok: 200, send: (tk, t) => req('PUT', `${Q()}/technical-user`, tk, designationBody(t)) },
  { route: `PUT ${QT}/local-manager`, variant: 'outsider', quality: 'approved-social-secretariat', ok: 200, send: (tk, t) => req('PUT', `${Q('approved-social-secretariat')}/local-manager`, tk, designationBody(t)) },
  { route: `POST ${EN}/qualities`, variant: 'outsider', ok: 201, send: (tk, t, actor) => req('POST', `/enterprises/${A()}/qualities`, tk, { type: TYPE_FOR[actor] ?? 'full-service-secretariat', localManager: designationBody(t) }) },
  { route: 'POST /admin/enterprises', variant: 'outsider', ok: 201, send: (tk, t) => req('POST', '/admin/enterprises', tk, { ...onboardingBody(), accessManager: designationBody(t) }) },
  { route: `PUT /admin${EN}/access-manager`, variant: 'outsider', ok: 200, send: (tk, t) => req('PUT', `/admin/enterprises/${A()}/access-manager`, tk, designationBody(t)) },
];

const MANAGERS = ['rae', 'coRae', 'glE', 'coGlE'] as const;
type Manager = (typeof MANAGERS)[number];
const SCOPES: Record<Manager, () => RoleScope> = {
  rae: () => ({ kind: 'access-manager', enterpriseNumber: A() }),
  coRae: () => ({ kind: 'co-access-manager', enterpriseNumber: A() }),
  glE: () => ({ kind: 'local-manager', enterpriseNumber: A(), quality: 'employer' }),
  coGlE: () => ({ kind: 'co-local-manager', enterpriseNumber: A(), quality: 'employer' }),
};

/** What the rights table and the person/membership line imply. */
function expected(c: Case, actor: Manager): { status: number; code?: string } {
  const [method, path] = c.route.split(' ') as [string, string];
  const rule = routeRule(method, path)!;
  const targetScope = path.startsWith('/admin') ? {} : { enterpriseNumber: A(), ...(c.quality ? { quality: c.quality } : {}) };
  const decision = authorize(SCOPES[actor](), rule.capability as CapabilityName, targetScope);
  if (decision === 'not-found') return { status: 404, code: 'NOT_FOUND' };
  if (decision === 'forbidden') return { status: 403, code: 'FORBIDDEN' };
  // The target holds roles outside every manager of A's scope: person-level changes are refused.
  if (CLASSIFIED[c.route] === 'person') return { status: 403, code: 'PERSON_OUTSIDE_SCOPE' };
  return { status: c.ok };
}

test('when the rights table has a mutating route, then it is classified, and each person, membership or designation route has a case here', () => {
  const mutating = ROUTE_RULES.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
  const unclassified = mutating.filter((route) => !(route in CLASSIFIED));
  const stale = Object.keys(CLASSIFIED).filter((route) => !mutating.includes(route));
  const needCase = mutating.filter((route) => CLASSIFIED[route] !== undefined && CLASSIFIED[route] !== 'none');
  const withoutCase = needCase.filter((route) => !cases.some((c) => c.route === route));
  expect({ unclassified, stale, withoutCase }).toEqual({ unclassified: [], stale: [], withoutCase: [] });
});

describe.each(cases)('$route', (c) => {
  test.each([...MANAGERS])('when %s acts on a person who also holds roles elsewhere, then 2xx only as the table says, and nothing outside its scope changes', async (actor) => {
    const t = await target(c.variant);
    const before = await outside(t);
    expect(before.login).toBe(200);
    const res = await c.send(w.tokens[actor], t, actor);
    const want = expected(c, actor);
    expect({ actor, status: res.status, ...(want.code ? { code: res.body?.code } : {}) }).toEqual({ actor, ...want });
    expect(await outside(t)).toEqual(before);
  });
});

describe('the attack of issue 13', () => {
  async function raeOfA() {
    const me = (await req('GET', '/me', w.tokens.rae)).body as { personId: string; niss: string; username: string; firstName: string; lastName: string; language: string };
    return me;
  }
  const raeLogin = async (username: string, password: string) => req('POST', '/auth/login', undefined, { username, password });

  test('when B’s local manager registers A’s RAE by NISS as a user of B and resets “its user’s” password, then 403 PERSON_OUTSIDE_SCOPE and the RAE’s password still works', async () => {
    const rae = await raeOfA();
    const registered = await req('POST', `/enterprises/${B()}/qualities/employer/users`, glB, { niss: rae.niss, firstName: rae.firstName, lastName: rae.lastName, language: 'fr', applications: ['dimona'] });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ personId: rae.personId, created: false });
    const reset = await req('PUT', `/enterprises/${B()}/qualities/employer/users/${rae.personId}/password`, glB, { password: 'Mallory#2026x' });
    expect({ status: reset.status, code: reset.body.code }).toEqual({ status: 403, code: 'PERSON_OUTSIDE_SCOPE' });
    expect((await raeLogin(rae.username, 'Mallory#2026x')).status).toBe(401);
    const login = await raeLogin(rae.username, GOOD_PASSWORD);
    expect(login.status).toBe(200);
    expect(login.body.roles).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'access-manager', enterpriseNumber: A() })]));
    // Nor may B's GL rewrite the RAE's language or e-mails through the user PATCH; the membership's own data stays B's.
    const patch = await req('PATCH', `/enterprises/${B()}/qualities/employer/users/${rae.personId}`, glB, { language: 'de' });
    expect({ status: patch.status, code: patch.body.code }).toEqual({ status: 403, code: 'PERSON_OUTSIDE_SCOPE' });
    const apps = await req('PATCH', `/enterprises/${B()}/qualities/employer/users/${rae.personId}`, glB, { applications: ['ebox'], companyEmail: 'rae@b.example' });
    expect(apps.status).toBe(200);
    expect((await req('GET', '/me', w.tokens.rae)).body.language).toBe(rae.language);
    // Blocking the membership in B touches nothing of A.
    expect((await req('POST', `/enterprises/${B()}/qualities/employer/users/${rae.personId}/block`, glB)).status).toBe(200);
    expect((await raeLogin(rae.username, GOOD_PASSWORD)).status).toBe(200);
    expect((await req('GET', `/enterprises/${A()}`, w.tokens.rae)).status).toBe(200);
  });

  test('when B’s RAE makes A’s RAE a co-RAE of B, then resetting, renaming or re-languaging that co-RAE is 403 PERSON_OUTSIDE_SCOPE', async () => {
    const rae = await raeOfA();
    const designated = await req('POST', `/enterprises/${B()}/co-access-managers`, w.tokens.raeB, { niss: rae.niss, firstName: rae.firstName, lastName: rae.lastName, language: 'de' });
    expect(designated.status).toBe(201);
    expect(designated.body).toMatchObject({ personId: rae.personId, created: false });
    const reset = await req('PUT', `/enterprises/${B()}/co-access-managers/${rae.personId}/password`, w.tokens.raeB, { password: 'Mallory#2026x' });
    expect({ status: reset.status, code: reset.body.code }).toEqual({ status: 403, code: 'PERSON_OUTSIDE_SCOPE' });
    const rename = await req('PATCH', `/enterprises/${B()}/co-access-managers/${rae.personId}`, w.tokens.raeB, { firstName: 'Mallory', language: 'de' });
    expect({ status: rename.status, code: rename.body.code }).toEqual({ status: 403, code: 'PERSON_OUTSIDE_SCOPE' });
    const me = (await req('GET', '/me', w.tokens.rae)).body;
    expect(me).toMatchObject({ firstName: rae.firstName, language: rae.language });
    expect((await raeLogin(rae.username, 'Mallory#2026x')).status).toBe(401);
    expect((await raeLogin(rae.username, GOOD_PASSWORD)).status).toBe(200);
  });

  test('when a registration by a known NISS sends other names, then 409 PERSON_MISMATCH and no membership is made', async () => {
    const rae = await raeOfA();
    const res = await req('POST', `/enterprises/${B()}/qualities/employer/users`, glB, { niss: rae.niss, firstName: 'Mallory', lastName: rae.lastName, language: 'fr' });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'PERSON_MISMATCH' });
  });

  test('when every role of the person lies in the GL’s quality, then the GL still resets the password (the line is no blanket ban)', async () => {
    const body = personBody();
    const { personId } = await ok('user', req('POST', `/enterprises/${A()}/qualities/employer/users`, w.tokens.glE, { ...body, applications: ['dimona'] }));
    expect((await req('PUT', `/enterprises/${A()}/qualities/employer/users/${personId}/password`, w.tokens.glE, { password: 'Another#2026' })).status).toBe(204);
    expect((await raeLogin(body.username, 'Another#2026')).status).toBe(200);
  });
});

describe('registry identifiers are the contact centre’s', () => {
  const employer = () => `/enterprises/${w.enterpriseA}/qualities/employer`;
  const registryNumber = async () => (await req('GET', employer(), w.tokens.rae)).body.data.employerRegistrationNumber as string;

  test.each(['rae', 'coRae', 'glE', 'coGlE'] as const)('when %s changes the employer registration number, then 403 REGISTRY_IDENTIFIER_CONTACT_CENTRE_ONLY and nothing changes', async (actor) => {
    const before = await registryNumber();
    const res = await req('PATCH', employer(), w.tokens[actor], { data: { employerRegistrationNumber: '999999999' }, contactEmail: 'x@acme.example' });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'REGISTRY_IDENTIFIER_CONTACT_CENTRE_ONLY' });
    expect(await registryNumber()).toBe(before);
    // The rest of the quality's details stay theirs; the current value sent again is no change.
    const ok = await req('PATCH', employer(), w.tokens[actor], { data: { employerRegistrationNumber: before }, contactEmail: `${actor.toLowerCase()}@acme.example` });
    expect(ok.status).toBe(200);
  });

  test('when the contact centre changes it through the admin route, then it changes; managers may not use that route', async () => {
    const url = `/admin${employer()}`;
    const res = await req('PATCH', url, w.tokens.cc, { employerRegistrationNumber: '0123456789' });
    expect(res.status).toBe(200);
    expect(res.body.data.employerRegistrationNumber).toBe('0123456789');
    expect(await registryNumber()).toBe('0123456789');
    expect((await req('PATCH', url, w.tokens.rae, { employerRegistrationNumber: '111111111' })).status).toBe(403);
    const wrongType = await req('PATCH', url, w.tokens.cc, { inamiNumber: '12345678' });
    expect({ status: wrongType.status, code: wrongType.body.code }).toEqual({ status: 400, code: 'UNKNOWN_FIELD' });
    const empty = await req('PATCH', url, w.tokens.cc, {});
    expect(empty.status).toBe(400);
    expect(await registryNumber()).toBe('0123456789');
  });
});

