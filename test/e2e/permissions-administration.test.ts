/**
 * Issue 4 item 8: every enterprise/quality administration route × every actor answers the status
 * the rights table implies (404 across enterprises, 401 anonymous), and a refusal changes nothing:
 * every change leaves an audit record, so the audit trail's size is compared before and after.
 */
import { GOOD_PASSWORD, onboardingBody, personBody } from '../support/fixtures';
import { startTestSystem, type TestSystem } from '../support/system';
import { ACTORS, buildWorld, type Actor, type World } from '../support/world';

let sys: TestSystem;
let w: World;
/** A third enterprise whose RAE is replaced by the contact-centre route (no actor's token dies). */
let enterpriseC: string;
/** C's trail is read by a co-RAE of C, whose session survives the replacement of C's RAE. */
let trailReaderC: string;

beforeAll(async () => {
  sys = await startTestSystem();
  w = await buildWorld(sys.api);
  const c = onboardingBody();
  await sys.api.post('/admin/enterprises', c, w.tokens.cc);
  enterpriseC = c.enterpriseNumber;
  const raeC = await sys.api.loginAs(c.accessManager.username, GOOD_PASSWORD);
  const coRaeC = personBody();
  await sys.api.post(`/enterprises/${enterpriseC}/co-access-managers`, coRaeC, raeC.token);
  trailReaderC = (await sys.api.loginAs(coRaeC.username, GOOD_PASSWORD)).token;
});

afterAll(async () => {
  await sys?.shutdown();
});

type Expect = Record<Actor, number>;
const row = (rae: number, coRae: number, glE: number, glM: number, coGlE: number, userE: number, raeB: number, cc: number): Expect => ({
  rae, coRae, glE, glM, coGlE, userE, raeB, cc, anon: 401,
});

interface RouteCase {
  name: string;
  /** Whose audit trail a change would reach. */
  audits: 'A' | 'C';
  expect: Expect;
  /** Creates what the call acts on (before the audit snapshot); its result is passed to `send`. */
  prepare?: () => Promise<string>;
  send(actor: Actor, token: string | undefined, target: string): Promise<{ status: number; body: any }>;
}

const A = () => w.enterpriseA;
const api = () => sys.api;
const req = (method: string, url: string, token: string | undefined, body?: unknown) => api().request(method, url, { token, body });

/** A fresh co-RAE / co-GL of A for each call, so that no call depends on another's effect. */
async function freshCoRae(): Promise<string> {
  return (await api().post(`/enterprises/${A()}/co-access-managers`, personBody(), w.tokens.rae)).body.personId;
}
async function freshCoGl(): Promise<string> {
  return (await api().post(`/enterprises/${A()}/qualities/employer/co-local-managers`, personBody(), w.tokens.rae)).body.personId;
}

const TYPE_FOR: Partial<Record<Actor, string>> = { rae: 'curator', coRae: 'service-provider' };

const cases: RouteCase[] = [
  { name: 'GET /enterprises/{en}', audits: 'A', expect: row(200, 200, 403, 403, 403, 403, 404, 200), send: (_a, t) => req('GET', `/enterprises/${A()}`, t) },
  { name: 'GET /enterprises/{en}/qualities', audits: 'A', expect: row(200, 200, 403, 403, 403, 403, 404, 200), send: (_a, t) => req('GET', `/enterprises/${A()}/qualities`, t) },
  { name: 'GET /enterprises/{en}/eligible-qualities', audits: 'A', expect: row(200, 200, 403, 403, 403, 403, 404, 200), send: (_a, t) => req('GET', `/enterprises/${A()}/eligible-qualities`, t) },
  { name: 'GET /enterprises/{en}/mandates', audits: 'A', expect: row(200, 200, 200, 200, 200, 403, 404, 200), send: (_a, t) => req('GET', `/enterprises/${A()}/mandates`, t) },
  {
    name: 'POST /enterprises/{en}/qualities',
    audits: 'A',
    expect: row(201, 201, 403, 403, 403, 403, 404, 403),
    send: (a, t) => req('POST', `/enterprises/${A()}/qualities`, t, { type: TYPE_FOR[a] ?? 'full-service-secretariat', localManager: personBody() }),
  },
  { name: 'GET /enterprises/{en}/co-access-managers', audits: 'A', expect: row(200, 403, 403, 403, 403, 403, 404, 403), send: (_a, t) => req('GET', `/enterprises/${A()}/co-access-managers`, t) },
  { name: 'POST /enterprises/{en}/co-access-managers', audits: 'A', expect: row(201, 403, 403, 403, 403, 403, 404, 403), send: (_a, t) => req('POST', `/enterprises/${A()}/co-access-managers`, t, personBody()) },
  {
    name: 'PATCH /enterprises/{en}/co-access-managers/{id}',
    audits: 'A',
    expect: row(200, 403, 403, 403, 403, 403, 404, 403),
    prepare: freshCoRae,
    send: (_a, t, id) => req('PATCH', `/enterprises/${A()}/co-access-managers/${id}`, t, { language: 'fr' }),
  },
  {
    name: 'DELETE /enterprises/{en}/co-access-managers/{id}',
    audits: 'A',
    expect: row(204, 403, 403, 403, 403, 403, 404, 403),
    prepare: freshCoRae,
    send: (_a, t, id) => req('DELETE', `/enterprises/${A()}/co-access-managers/${id}`, t),
  },
  {
    name: 'POST /enterprises/{en}/co-access-managers/{id}/block',
    audits: 'A',
    expect: row(200, 403, 403, 403, 403, 403, 404, 403),
    prepare: freshCoRae,
    send: (_a, t, id) => req('POST', `/enterprises/${A()}/co-access-managers/${id}/block`, t),
  },
  {
    name: 'POST /enterprises/{en}/co-access-managers/{id}/unblock',
    audits: 'A',
    expect: row(200, 403, 403, 403, 403, 403, 404, 403),
    prepare: freshCoRae,
    send: (_a, t, id) => req('POST', `/enterprises/${A()}/co-access-managers/${id}/unblock`, t),
  },
  {
    name: 'PUT /enterprises/{en}/co-access-managers/{id}/password',
    audits: 'A',
    expect: row(204, 403, 403, 403, 403, 403, 404, 403),
    prepare: freshCoRae,
    send: (_a, t, id) => req('PUT', `/enterprises/${A()}/co-access-managers/${id}/password`, t, { password: 'Another#2026' }),
  },
  // GL/co-GL read their quality's part (PRODUCT.md §7.1).
  { name: 'GET /enterprises/{en}/audit', audits: 'A', expect: row(200, 200, 200, 200, 200, 403, 404, 403), send: (_a, t) => req('GET', `/enterprises/${A()}/audit`, t) },
  { name: 'GET /enterprises/{en}/qualities/{type}', audits: 'A', expect: row(200, 200, 200, 403, 200, 403, 404, 403), send: (_a, t) => req('GET', `/enterprises/${A()}/qualities/employer`, t) },
  {
    name: 'PATCH /enterprises/{en}/qualities/{type}',
    audits: 'A',
    expect: row(200, 200, 200, 403, 200, 403, 404, 403),
    send: (a, t) => req('PATCH', `/enterprises/${A()}/qualities/employer`, t, { contactEmail: `${a.toLowerCase()}@acme.example` }),
  },
  {
    name: 'PUT /enterprises/{en}/qualities/{type}/local-manager',
    audits: 'A',
    expect: row(200, 200, 403, 403, 403, 403, 404, 403),
    send: (_a, t) => req('PUT', `/enterprises/${A()}/qualities/approved-social-secretariat/local-manager`, t, personBody()),
  },
  {
    name: 'PUT /enterprises/{en}/qualities/{type}/technical-user',
    audits: 'A',
    expect: row(200, 200, 200, 403, 200, 403, 404, 403),
    send: (_a, t) => req('PUT', `/enterprises/${A()}/qualities/employer/technical-user`, t, personBody()),
  },
  { name: 'GET /enterprises/{en}/qualities/{type}/co-local-managers', audits: 'A', expect: row(200, 200, 200, 403, 403, 403, 404, 403), send: (_a, t) => req('GET', `/enterprises/${A()}/qualities/employer/co-local-managers`, t) },
  {
    name: 'POST /enterprises/{en}/qualities/{type}/co-local-managers',
    audits: 'A',
    expect: row(201, 201, 201, 403, 403, 403, 404, 403),
    send: (_a, t) => req('POST', `/enterprises/${A()}/qualities/employer/co-local-managers`, t, personBody()),
  },
  {
    name: 'DELETE /enterprises/{en}/qualities/{type}/co-local-managers/{id}',
    audits: 'A',
    expect: row(204, 204, 204, 403, 403, 403, 404, 403),
    prepare: freshCoGl,
    send: (_a, t, id) => req('DELETE', `/enterprises/${A()}/qualities/employer/co-local-managers/${id}`, t),
  },
  {
    name: 'POST /enterprises/{en}/qualities/{type}/co-local-managers/{id}/block',
    audits: 'A',
    expect: row(200, 200, 200, 403, 403, 403, 404, 403),
    prepare: freshCoGl,
    send: (_a, t, id) => req('POST', `/enterprises/${A()}/qualities/employer/co-local-managers/${id}/block`, t),
  },
  {
    name: 'POST /enterprises/{en}/qualities/{type}/co-local-managers/{id}/unblock',
    audits: 'A',
    expect: row(200, 200, 200, 403, 403, 403, 404, 403),
    prepare: freshCoGl,
    send: (_a, t, id) => req('POST', `/enterprises/${A()}/qualities/employer/co-local-managers/${id}/unblock`, t),
  },
  {
    name: 'PUT /admin/enterprises/{en}/access-manager',
    audits: 'C',
    expect: row(403, 403, 403, 403, 403, 403, 403, 200),
    send: (_a, t) => req('PUT', `/admin/enterprises/${enterpriseC}/access-manager`, t, personBody()),
  },
  {
    name: 'POST /admin/enterprises/{en}/mandates',
    audits: 'A',
    expect: row(403, 403, 403, 403, 403, 403, 403, 201),
    send: (_a, t) => req('POST', `/admin/enterprises/${A()}/mandates`, t, { mandataryEnterpriseNumber: w.enterpriseB, declarationTypes: ['drs-unemployment'], validFrom: '2026-01-01' }),
  },
];

async function auditTotal(which: 'A' | 'C'): Promise<number> {
  const res = which === 'A' ? await req('GET', `/enterprises/${A()}/audit?pageSize=1`, w.tokens.rae) : await req('GET', `/enterprises/${enterpriseC}/audit?pageSize=1`, trailReaderC);
  if (res.status !== 200) throw new Error(`audit ${which}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.total;
}

describe.each(cases)('$name', (route) => {
  test.each(ACTORS.map((actor) => [actor, route.expect[actor]] as const))('when called by %s, then %i', async (actor, status) => {
    const target = route.prepare ? await route.prepare() : '';
    const before = await auditTotal(route.audits);
    const res = await route.send(actor, w.tokens[actor], target);
    expect({ status: res.status, code: res.body?.code }).toEqual(expect.objectContaining({ status }));
    if (status >= 400) {
      expect(res.body.code).toEqual(({ 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' } as Record<number, string>)[status]);
      expect(await auditTotal(route.audits)).toBe(before);
    }
  });
});

test('when a route refuses, then a later allowed call still sees the same state (sanity)', async () => {
  const res = await req('GET', `/enterprises/${A()}/qualities/employer`, w.tokens.glE);
  expect(res.status).toBe(200);
  expect(res.body.localManager.personId).toBe(w.personIds.glE);
});
