/**
 * Issue 5 item 5: EVERY route the running gateway lists in /docs/json × the nine actors. The
 * expected status comes from the permission matrix in libs/domain (ROUTE_RULES → capability →
 * `authorize`), never from a copy: allowed → the route's success status, 403 inside the enterprise,
 * 404 outside it, 401 without a session. A refusal changes nothing (A's audit trail keeps its size).
 * A route without a case here (or without a rule in the matrix) fails the first test.
 */
import { ROUTE_RULES, authorize, routeRule, routeShape, type RoleScope, type RouteRule } from '@um/domain';
import { OPERATOR } from '@um/devkit';
import { personBody } from '../support/fixtures';
import { startTestSystem, type TestSystem } from '../support/system';
import { ACTORS, buildWorld, type Actor, type World } from '../support/world';

let sys: TestSystem;
let w: World;
let listed: Array<{ method: string; path: string }> = [];

beforeAll(async () => {
  sys = await startTestSystem();
  w = await buildWorld(sys.api);
  const docs = await sys.api.get('/docs/json');
  listed = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>)
    .filter(([path]) => path.startsWith('/api/v1/'))
    .flatMap(([path, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => ({ method: m.toUpperCase(), path: path.slice('/api/v1'.length) })));
});
afterAll(async () => {
  await sys?.shutdown();
});

const SCOPES: Record<Exclude<Actor, 'anon'>, () => RoleScope> = {
  rae: () => ({ kind: 'access-manager', enterpriseNumber: w.enterpriseA }),
  coRae: () => ({ kind: 'co-access-manager', enterpriseNumber: w.enterpriseA }),
  glE: () => ({ kind: 'local-manager', enterpriseNumber: w.enterpriseA, quality: 'employer' }),
  glM: () => ({ kind: 'local-manager', enterpriseNumber: w.enterpriseA, quality: 'mandatary' }),
  coGlE: () => ({ kind: 'co-local-manager', enterpriseNumber: w.enterpriseA, quality: 'employer' }),
  userE: () => ({ kind: 'user', enterpriseNumber: w.enterpriseA, quality: 'employer' }),
  raeB: () => ({ kind: 'access-manager', enterpriseNumber: w.enterpriseB }),
  cc: () => ({ kind: 'contact-centre' }),
};

interface Case {
  /** METHOD and path exactly as in ROUTE_RULES. */
  route: string;
  /** Status of an allowed call (or, for `none`/`session` routes, of every caller with a session). */
  ok: number;
  /** Status for anonymous callers of a `none` route. */
  anon?: number;
  prepare?: (actor: Actor, token: string | undefined) => Promise<string>;
  send(token: string | undefined, target: string, actor: Actor): Promise<{ status: number; body: any }>;
}

const A = () => w.enterpriseA;
const Q = () => `/enterprises/${A()}/qualities/employer`;
const req = (method: string, url: string, token: string | undefined, body?: unknown, raw?: { rawBody: string; headers: Record<string, string> }) =>
  sys.api.request(method, url, { token, body, ...(raw ?? {}) });
const post = (url: string, body: unknown) => req('POST', url, w.tokens.rae, body).then((r) => r.body);
const freshUser = async () => (await post(`${Q()}/users`, { ...personBody(), applications: ['dimona'] })).personId as string;
const freshCoRae = async () => (await post(`/enterprises/${A()}/co-access-managers`, personBody())).personId as string;
const freshCoGl = async () => (await post(`${Q()}/co-local-managers`, personBody())).personId as string;
const freshScimToken = async () => (await post(`${Q()}/scim-tokens`, {})).tokenId as string;
const freshChannel = async () => (await post(`/enterprises/${A()}/batch-channels`, { type: 'isabel', name: `c${Math.random()}`.slice(0, 12), parameters: { mailbox: 'mbx1' } })).channelId as string;
let known: string | undefined;
const knownNiss = async () => (known ??= (await req('GET', `${Q()}/users/${w.personIds.userE}`, w.tokens.rae)).body.niss as string);
/** A webhook of A: a fresh one for the actors allowed to remove it, one shared by the others (an enterprise holds at most 10). */
const HOOK = { url: 'https://hooks.example.com/um', kinds: ['user.registered'] };
let sharedHook: string | undefined;
const webhookFor = async (actor: Actor) =>
  actor === 'rae' || actor === 'coRae'
    ? ((await post(`/enterprises/${A()}/webhooks`, HOOK)).webhookId as string)
    : (sharedHook ??= (await post(`/enterprises/${A()}/webhooks`, HOOK)).webhookId as string);
const freshMandate = async () =>
  (await req('POST', `/admin/enterprises/${A()}/mandates`, w.tokens.cc, { mandataryEnterpriseNumber: w.enterpriseB, declarationTypes: ['drs-sickness-invalidity'], validFrom: '2026-01-01' })).body.mandateId as string;
const TYPE_FOR: Partial<Record<Actor, string>> = { rae: 'curator', coRae: 'service-provider' };
const roleOf: Partial<Record<Actor, string>> = {};
const myRole = async (actor: Actor, token: string | undefined) => {
  if (!token) return '0123456789abcdef01234567';
  roleOf[actor] ??= (await req('GET', '/me', token)).body.memberships[0]?.role.id;
  return roleOf[actor]!;
};

const EN = '/enterprises/{enterpriseNumber}';
const QT = `${EN}/qualities/{type}`;
const cases: Case[] = [
  { route: 'POST /auth/login', ok: 200, anon: 200, send: () => req('POST', '/auth/login', undefined, OPERATOR) },
  { route: 'POST /auth/login/certificate', ok: 401, anon: 401, send: (t) => req('POST', '/auth/login/certificate', t) },
  { route: 'POST /auth/session/role', ok: 200, prepare: myRole, send: (t, roleId) => req('POST', '/auth/session/role', t, { roleId }) },
  {
    route: 'POST /auth/logout',
    ok: 204,
    // A fresh token of the actor's own, so that the actor's token lives on.
    prepare: async (actor, t) => (t ? (await req('POST', '/auth/session/role', t, { roleId: await myRole(actor, t) })).body.token : ''),
    send: (_t, fresh) => req('POST', '/auth/logout', fresh || undefined),
  },
  { route: 'GET /me', ok: 200, send: (t) => req('GET', '/me', t) },
  { route: 'PATCH /me', ok: 200, send: (t) => req('PATCH', '/me', t, { language: 'nl' }) },
  // A wrong current password reaches the use-case (400) without changing anything.
  { route: 'PUT /me/password', ok: 400, send: (t) => req('PUT', '/me/password', t, { currentPassword: 'Wrong#2026xx', newPassword: 'Another#2026' }) },
  { route: 'PUT /me/certificate', ok: 400, send: (t) => req('PUT', '/me/certificate', t, undefined, { rawBody: 'not a certificate', headers: { 'content-type': 'application/x-pem-file' } }) },
  { route: 'GET /me/certificate', ok: 404, send: (t) => req('GET', '/me/certificate', t) },
  { route: 'DELETE /me/certificate', ok: 204, send: (t) => req('DELETE', '/me/certificate', t) },
  { route: 'GET /catalogue', ok: 200, anon: 200, send: (t) => req('GET', '/catalogue', t) },
  { route: 'GET /authorizations/check', ok: 200, send: (t) => req('GET', `/authorizations/check?application=dimona&enterpriseNumber=${A()}&quality=employer`, t) },

  { route: `GET ${EN}`, ok: 200, send: (t) => req('GET', `/enterprises/${A()}`, t) },
  { route: `GET ${EN}/qualities`, ok: 200, send: (t) => req('GET', `/enterprises/${A()}/qualities`, t) },
  { route: `GET ${EN}/eligible-qualities`, ok: 200, send: (t) => req('GET', `/enterprises/${A()}/eligible-qualities`, t) },
  { route: `GET ${EN}/mandates`, ok: 200, send: (t) => req('GET', `/enterprises/${A()}/mandates`, t) },
  { route: `GET ${EN}/routing/received`, ok: 200, send: (t) => req('GET', `/enterprises/${A()}/routing/received`, t) },
  { route: `GET ${EN}/audit`, ok: 200, send: (t) => req('GET', `/enterprises/${A()}/audit`, t) },
  { route: `POST ${EN}/webhooks`, ok: 201, send: (t) => req('POST', `/enterprises/${A()}/webhooks`, t, HOOK) },
  { route: `GET ${EN}/webhooks`, ok: 200, send: (t) => req('GET', `/enterprises/${A()}/webhooks`, t) },
  { route: `DELETE ${EN}/webhooks/{webhookId}`, ok: 204, prepare: webhookFor, send: (t, id) => req('DELETE', `/enterprises/${A()}/webhooks/${id}`, t) },
  { route: `GET ${EN}/webhooks/{webhookId}/deliveries`, ok: 200, prepare: webhookFor, send: (t, id) => req('GET', `/enterprises/${A()}/webhooks/${id}/deliveries`, t) },
  { route: `POST ${EN}/qualities`, ok: 201, send: (t, _x, a) => req('POST', `/enterprises/${A()}/qualities`, t, { type: TYPE_FOR[a] ?? 'full-service-secretariat', localManager: personBody() }) },
  { route: `PUT ${QT}/local-manager`, ok: 200, send: (t) => req('PUT', `/enterprises/${A()}/qualities/approved-social-secretariat/local-manager`, t, personBody()) },
  { route: `GET ${EN}/co-access-managers`, ok: 200, send: (t) => req('GET', `/enterprises/${A()}/co-access-managers`, t) },
  { route: `POST ${EN}/co-access-managers`, ok: 201, send: (t) => req('POST', `/enterprises/${A()}/co-access-managers`, t, personBody()) },
  { route: `PATCH ${EN}/co-access-managers/{personId}`, ok: 200, prepare: freshCoRae, send: (t, id) => req('PATCH', `/enterprises/${A()}/co-access-managers/${id}`, t, { language: 'fr' }) },
  { route: `DELETE ${EN}/co-access-managers/{personId}`, ok: 204, prepare: freshCoRae, send: (t, id) => req('DELETE', `/enterprises/${A()}/co-access-managers/${id}`, t) },
  { route: `POST ${EN}/co-access-managers/{personId}/block`, ok: 200, prepare: freshCoRae, send: (t, id) => req('POST', `/enterprises/${A()}/co-access-managers/${id}/block`, t) },
  { route: `POST ${EN}/co-access-managers/{personId}/unblock`, ok: 200, prepare: freshCoRae, send: (t, id) => req('POST', `/enterprises/${A()}/co-access-managers/${id}/unblock`, t) },
  { route: `PUT ${EN}/co-access-managers/{personId}/password`, ok: 204, prepare: freshCoRae, send: (t, id) => req('PUT', `/enterprises/${A()}/co-access-managers/${id}/password`, t, { password: 'Another#2026' }) },
  { route: `GET ${EN}/users`, ok: 200, send: (t) => req('GET', `/enterprises/${A()}/users?lastName=pee`, t) },
  { route: `GET ${EN}/persons/{niss}`, ok: 200, prepare: knownNiss, send: (t, niss) => req('GET', `/enterprises/${A()}/persons/${niss}`, t) },
  { route: `GET ${EN}/batch-channels`, ok: 200, send: (t) => req('GET', `/enterprises/${A()}/batch-channels`, t) },
  { route: `POST ${EN}/batch-channels`, ok: 201, send: (t) => req('POST', `/enterprises/${A()}/batch-channels`, t, { type: 'ftp', name: `f${Math.random()}`.slice(0, 12), parameters: { host: 'ftp.acme.example' } }) },
  { route: `DELETE ${EN}/batch-channels/{channelId}`, ok: 204, prepare: freshChannel, send: (t, id) => req('DELETE', `/enterprises/${A()}/batch-channels/${id}`, t) },

  { route: `GET ${QT}`, ok: 200, send: (t) => req('GET', Q(), t) },
  { route: `PATCH ${QT}`, ok: 200, send: (t, _x, a) => req('PATCH', Q(), t, { contactEmail: `${a.toLowerCase()}@acme.example` }) },
  { route: `GET ${QT}/users`, ok: 200, send: (t) => req('GET', `${Q()}/users?firstName=a`, t) },
  { route: `POST ${QT}/users`, ok: 201, send: (t) => req('POST', `${Q()}/users`, t, { ...personBody(), applications: ['drs'] }) },
  { route: `GET ${QT}/users/{personId}`, ok: 200, prepare: freshUser, send: (t, id) => req('GET', `${Q()}/users/${id}`, t) },
  { route: `PATCH ${QT}/users/{personId}`, ok: 200, prepare: freshUser, send: (t, id) => req('PATCH', `${Q()}/users/${id}`, t, { applications: ['ebox'] }) },
  { route: `DELETE ${QT}/users/{personId}`, ok: 204, prepare: freshUser, send: (t, id) => req('DELETE', `${Q()}/users/${id}`, t) },
  { route: `POST ${QT}/users/{personId}/block`, ok: 200, prepare: freshUser, send: (t, id) => req('POST', `${Q()}/users/${id}/block`, t) },
  { route: `POST ${QT}/users/{personId}/unblock`, ok: 200, prepare: freshUser, send: (t, id) => req('POST', `${Q()}/users/${id}/unblock`, t) },
  { route: `PUT ${QT}/users/{personId}/password`, ok: 204, prepare: freshUser, send: (t, id) => req('PUT', `${Q()}/users/${id}/password`, t, { password: 'Another#2026' }) },
  { route: `GET ${QT}/co-local-managers`, ok: 200, send: (t) => req('GET', `${Q()}/co-local-managers`, t) },
  { route: `POST ${QT}/co-local-managers`, ok: 201, send: (t) => req('POST', `${Q()}/co-local-managers`, t, personBody()) },
  { route: `GET ${QT}/co-local-managers/{personId}`, ok: 200, prepare: freshCoGl, send: (t, id) => req('GET', `${Q()}/co-local-managers/${id}`, t) },
  { route: `PATCH ${QT}/co-local-managers/{personId}`, ok: 200, prepare: freshCoGl, send: (t, id) => req('PATCH', `${Q()}/co-local-managers/${id}`, t, { language: 'de' }) },
  { route: `PUT ${QT}/co-local-managers/{personId}/password`, ok: 204, prepare: freshCoGl, send: (t, id) => req('PUT', `${Q()}/co-local-managers/${id}/password`, t, { password: 'Another#2026' }) },
  { route: `DELETE ${QT}/co-local-managers/{personId}`, ok: 204, prepare: freshCoGl, send: (t, id) => req('DELETE', `${Q()}/co-local-managers/${id}`, t) },
  { route: `POST ${QT}/co-local-managers/{personId}/block`, ok: 200, prepare: freshCoGl, send: (t, id) => req('POST', `${Q()}/co-local-managers/${id}/block`, t) },
  { route: `POST ${QT}/co-local-managers/{personId}/unblock`, ok: 200, prepare: freshCoGl, send: (t, id) => req('POST', `${Q()}/co-local-managers/${id}/unblock`, t) },
  { route: `GET ${QT}/scim-tokens`, ok: 200, send: (t) => req('GET', `${Q()}/scim-tokens`, t) },
  { route: `POST ${QT}/scim-tokens`, ok: 201, send: (t) => req('POST', `${Q()}/scim-tokens`, t, { label: 'HR' }) },
  { route: `DELETE ${QT}/scim-tokens/{tokenId}`, ok: 204, prepare: freshScimToken, send: (t, id) => req('DELETE', `${Q()}/scim-tokens/${id}`, t) },
  { route: `PUT ${QT}/technical-user`, ok: 200, send: (t) => req('PUT', `${Q()}/technical-user`, t, personBody()) },
  { route: `GET ${QT}/routing`, ok: 200, send: (t) => req('GET', `${Q()}/routing`, t) },
  { route: `PUT ${QT}/routing/{declarationType}`, ok: 200, send: (t) => req('PUT', `${Q()}/routing/drs-unemployment`, t, { recipient: A() }) },
  {
    route: `PUT ${QT}/routing/{declarationType}/channel`,
    ok: 200,
    prepare: async () => (await req('PUT', `${Q()}/routing/drs-work-accident`, w.tokens.rae, { recipient: A() }), ''),
    send: (t) => req('PUT', `${Q()}/routing/drs-work-accident/channel`, t, { channel: 'ebox' }),
  },
  { route: `GET ${QT}/structured-messages`, ok: 200, send: (t) => req('GET', `${Q()}/structured-messages`, t) },

  { route: 'GET /admin/enterprises', ok: 200, send: (t) => req('GET', `/admin/enterprises?q=${A().slice(0, 6)}`, t) },
  { route: 'GET /admin/persons', ok: 200, prepare: knownNiss, send: (t, niss) => req('GET', `/admin/persons?niss=${niss}`, t) },
  { route: 'POST /admin/persons/{personId}/unlock', ok: 204, prepare: freshUser, send: (t, id) => req('POST', `/admin/persons/${id}/unlock`, t) },
  { route: 'PUT /admin/persons/{personId}/password', ok: 204, prepare: freshUser, send: (t, id) => req('PUT', `/admin/persons/${id}/password`, t, { password: 'Another#2026' }) },
  { route: 'POST /admin/enterprises', ok: 201, send: (t) => req('POST', '/admin/enterprises', t, onboard()) },
  { route: `PUT /admin${EN}/access-manager`, ok: 200, prepare: async () => (await req('POST', '/admin/enterprises', w.tokens.cc, onboard())).body.enterpriseNumber ?? '', send: (t, en) => req('PUT', `/admin/enterprises/${en}/access-manager`, t, personBody()) },
  { route: 'GET /admin/persons/{personId}/audit', ok: 200, send: (t) => req('GET', `/admin/persons/${w.personIds.userE}/audit`, t) },
  { route: `PATCH /admin${QT}`, ok: 200, send: (t) => req('PATCH', `/admin/enterprises/${A()}/qualities/employer`, t, { employerRegistrationNumber: '123456789' }) },
  { route: `PATCH /admin${EN}/mandates/{mandateId}`, ok: 200, prepare: freshMandate, send: (t, id) => req('PATCH', `/admin/enterprises/${A()}/mandates/${id}`, t, { validTo: '2026-06-30' }) },
  { route: `DELETE /admin${EN}/mandates/{mandateId}`, ok: 204, prepare: freshMandate, send: (t, id) => req('DELETE', `/admin/enterprises/${A()}/mandates/${id}`, t) },
  { route: `POST /admin${EN}/mandates`, ok: 201, send: (t) => req('POST', `/admin/enterprises/${A()}/mandates`, t, { mandataryEnterpriseNumber: w.enterpriseB, declarationTypes: ['drs-unemployment'], validFrom: '2026-01-01' }) },
];

function onboard() {
  const base = String(10_000_000 + Math.floor(Math.random() * 8_000_000)).padStart(8, '0').replace(/^\d/, '0');
  return { enterpriseNumber: `${base}${String(97 - (Number(base) % 97)).padStart(2, '0')}`, name: 'Third', eligibleQualities: ['employer'], accessManager: personBody() };
}

function expected(rule: RouteRule, c: Case, actor: Actor): number {
  if (rule.auth === 'none') return actor === 'anon' ? (c.anon ?? c.ok) : c.ok;
  if (actor === 'anon') return 401;
  if (rule.auth === 'session') return c.ok;
  const target = rule.path.startsWith('/admin') ? {} : { enterpriseNumber: w.enterpriseA, quality: 'employer' };
  const decision = authorize(SCOPES[actor](), rule.capability!, target);
  return decision === 'allowed' ? c.ok : decision === 'forbidden' ? 403 : 404;
}

const auditTotal = async () => (await req('GET', `/enterprises/${A()}/audit?pageSize=1`, w.tokens.rae)).body.total as number;

test('when the gateway lists a route, then the matrix has its rule and this test a case for it', () => {
  expect(listed.length).toBeGreaterThan(30);
  const covered = new Set(cases.map((c) => routeShape(...(c.route.split(' ') as [string, string]))));
  const missingRule = listed.filter((r) => !routeRule(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
  const missingCase = listed.filter((r) => !covered.has(routeShape(r.method, r.path))).map((r) => `${r.method} ${r.path}`);
  expect({ missingRule, missingCase }).toEqual({ missingRule: [], missingCase: [] });
  // Every case is a rule of the matrix (no stale case).
  for (const c of cases) expect(ROUTE_RULES.some((r) => `${r.method} ${r.path}` === c.route)).toBe(true);
});

describe.each(cases)('$route', (c) => {
  test.each([...ACTORS])('when called by %s, then the status the matrix implies, and a refusal changes nothing', async (actor) => {
    const listedNow = listed.some((r) => routeShape(r.method, r.path) === routeShape(...(c.route.split(' ') as [string, string])));
    if (!listedNow) return; // a route of the matrix that the gateway does not serve yet
    const [method, path] = c.route.split(' ') as [string, string];
    const rule = routeRule(method, path)!;
    const status = expected(rule, c, actor);
    const token = w.tokens[actor];
    const target = c.prepare ? await c.prepare(actor, token) : '';
    const before = await auditTotal();
    const res = await c.send(token, target, actor);
    expect({ actor, status: res.status, code: res.body?.code }).toEqual(expect.objectContaining({ actor, status }));
    if ([401, 403, 404].includes(status) && rule.auth === 'role') {
      expect(res.body.code).toBe(({ 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' } as Record<number, string>)[status]);
      expect(await auditTotal()).toBe(before);
    }
  });
});
