/**
 * Several instances of a service share its calls, every process serves Prometheus metrics and
 * probes on a port of its own, and one request id follows a request through every process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort, stopProcess, waitForHttp200 } from '@um/devkit';
import { GOOD_PASSWORD, onboardingBody, personBody } from '../support/fixtures';
import { ApiClient, startTestSystem, type TestSystem } from '../support/system';

let sys: TestSystem;
let token: string;

beforeAll(async () => {
  // Answered actions are logged at debug (one info line per request is the gateway's).
  sys = await startTestSystem({ instances: { identity: 2, quality: 2, 'user-management': 2 }, metrics: true, env: { LOG_LEVEL: 'debug' } });
  token = (await sys.api.operator()).token;
}, 120_000);

afterAll(async () => {
  await sys?.shutdown();
}, 60_000);

const log = (file: string) => fs.readFileSync(path.join(sys.logDir, file), 'utf8');
const handled = (file: string, action: string) => log(file).split('\n').filter((l) => l.includes(`"action":"${action}"`) && l.includes('"msg":"action done"')).length;

async function metricsOf(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

/** Sum of a Prometheus counter's samples whose labels include all of `labels`. */
function counter(text: string, name: string, labels: Record<string, string>): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** A new enterprise with its RAE and one co-RAE, both logged in. */
async function enterpriseWithCoRae() {
  const body = onboardingBody();
  expect((await sys.api.post('/admin/enterprises', body, token)).status).toBe(201);
  const en = body.enterpriseNumber;
  const rae = await sys.api.loginAs(body.accessManager.username, body.accessManager.password);
  const co = personBody();
  const designated = await sys.api.post(`/enterprises/${en}/co-access-managers`, co, rae.token);
  expect(designated.status).toBe(201);
  const coSession = await sys.api.loginAs(co.username, GOOD_PASSWORD);
  return { en, rae, co, designated, coSession };
}

test('when identity runs twice, then calls are balanced over both instances (their logs and their metrics)', async () => {
  const body = onboardingBody();
  expect((await sys.api.post('/admin/enterprises', body, token)).status).toBe(201);
  for (let i = 0; i < 20; i += 1) expect((await sys.api.get(`/enterprises/${body.enterpriseNumber}`, token)).status).toBe(200);

  // Each read asks identity for the RAE's contact (the token itself is answered from the gateway's cache).
  const perInstance = ['identity-1.log', 'identity-2.log'].map((f) => handled(f, 'identity.getContact'));
  process.stdout.write(`identity.getContact handled per instance: ${perInstance.join(' / ')}\n`);
  for (const count of perInstance) expect(count).toBeGreaterThanOrEqual(5);

  const identities = sys.metrics().filter((m) => m.name.startsWith('identity#'));
  expect(identities).toHaveLength(2);
  for (const endpoint of identities) {
    const text = await metricsOf(endpoint.url);
    expect(counter(text, 'moleculer_request_total', { action: 'identity.getContact' })).toBeGreaterThan(0);
  }
});

test('when identity runs twice and both instances and the gateway hold a session in their cache, then a block or a logout is refused by the very next request, whichever instance answers', async () => {
  const { en, rae, designated, coSession } = await enterpriseWithCoRae();
  // Round robin: both identity instances have now read (and cached) both sessions.
  for (let i = 0; i < 6; i += 1) {
    expect((await sys.api.get(`/enterprises/${en}`, coSession.token)).status).toBe(200);
    expect((await sys.api.get(`/enterprises/${en}`, rae.token)).status).toBe(200);
  }
  expect((await sys.api.post(`/enterprises/${en}/co-access-managers/${designated.body.personId}/block`, {}, rae.token)).status).toBe(200);
  for (let i = 0; i < 6; i += 1) expect((await sys.api.get(`/enterprises/${en}`, coSession.token)).status).toBe(401);

  expect((await sys.api.post('/auth/logout', {}, rae.token)).status).toBe(204);
  for (let i = 0; i < 6; i += 1) expect((await sys.api.get(`/enterprises/${en}`, rae.token)).status).toBe(401);
});

test('when identity runs twice and both instances and the gateway hold a person’s /me, then a change through either shows in the very next /me, whichever instance answers', async () => {
  const { en, rae, co, designated, coSession } = await enterpriseWithCoRae();
  const me = async () => {
    const res = await sys.api.get('/me', coSession.token);
    expect(res.status).toBe(200);
    return res.body;
  };
  // Round robin: both identity instances have now read (and keep) the person's own data.
  for (let i = 0; i < 6; i += 1) expect((await me()).language).toBe(co.language);

  // The person's own change, answered by one instance.
  const language = co.language === 'nl' ? 'de' : 'nl';
  expect((await sys.api.request('PATCH', '/me', { body: { language }, token: coSession.token })).status).toBe(200);
  for (let i = 0; i < 6; i += 1) expect((await me()).language).toBe(language);

  // A manager's change of the person (names) and of the role (its window), made through other services.
  const validUntil = new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');
  expect((await sys.api.request('PATCH', `/enterprises/${en}/co-access-managers/${designated.body.personId}`, { body: { lastName: 'Renamed', validUntil }, token: rae.token })).status).toBe(200);
  for (let i = 0; i < 6; i += 1) {
    const after = await me();
    expect(after.lastName).toBe('Renamed');
    const role = after.memberships.find((m: { role: { kind: string } }) => m.role.kind === 'co-access-manager').role;
    expect(new Date(role.validUntil).toISOString()).toBe(validUntil);
  }
});

test('when quality and user-management run twice and both know a quality as not active, then its activation is seen by the very next request on every instance', async () => {
  const body = onboardingBody();
  expect((await sys.api.post('/admin/enterprises', body, token)).status).toBe(201);
  const en = body.enterpriseNumber;
  const rae = await sys.api.loginAs(body.accessManager.username, body.accessManager.password);
  const users = `/enterprises/${en}/qualities/mandatary/users?pageSize=1`;
  // Round robin: every instance has asked, and keeps, that the quality is not active.
  for (let i = 0; i < 6; i += 1) expect((await sys.api.get(users, rae.token)).status).toBe(404);
  expect((await sys.api.post(`/enterprises/${en}/qualities`, { type: 'mandatary', localManager: personBody() }, rae.token)).status).toBe(201);
  for (let i = 0; i < 6; i += 1) expect((await sys.api.get(users, rae.token)).status).toBe(200);
});

test('when metrics are on, then every process serves Prometheus text and its probes on its own port', async () => {
  const endpoints = sys.metrics();
  expect(endpoints.map((e) => e.name.split('#')[0]).sort()).toEqual(
    ['enterprise', 'gateway', 'identity', 'identity', 'quality', 'quality', 'routing-module', 'structured-messaging', 'user-management', 'user-management'].sort(),
  );
  expect(new Set(endpoints.map((e) => e.port)).size).toBe(endpoints.length);
  for (const endpoint of endpoints) {
    // Request counters exist once a process has served a request; with two instances of a
    // service, round robin may not have sent one to the second yet: drive readiness probes (each
    // calls every service's health action) until it has, at most 20 times.
    let text = await metricsOf(endpoint.url);
    for (let i = 0; i < 20 && !/^# TYPE moleculer_request_total counter$/m.test(text); i += 1) {
      await sys.api.get('/health/ready');
      text = await metricsOf(endpoint.url);
    }
    expect(text).toMatch(/^# TYPE moleculer_request_total counter$/m);
    // Request times as histogram buckets only: no per-request samples kept for in-process quantiles.
    expect(text).toMatch(/^moleculer_request_time_bucket\{/m);
    expect(text).not.toContain('quantile=');
    expect(text).toContain(`service="${endpoint.name.split('#')[0]}"`);
    const base = endpoint.url.replace(/\/metrics$/, '');
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    const readyBody = (await ready.json()) as { status: string; nats: string; store?: string };
    expect({ name: endpoint.name, status: ready.status, body: readyBody }).toMatchObject({ name: endpoint.name, status: 200, body: { status: 'ready', nats: 'up' } });
    if (!endpoint.name.startsWith('gateway')) expect(readyBody.store).toBe('up');
  }
});

test('when an onboarding carries a request id, then the gateway, enterprise and identity logs all carry it', async () => {
  const requestId = `obs-${Date.now()}`;
  const res = await sys.api.request('POST', '/admin/enterprises', { token, body: onboardingBody(), headers: { 'x-request-id': requestId } });
  expect(res.status).toBe(201);
  expect(res.headers.get('x-request-id')).toBe(requestId);
  await new Promise((r) => setTimeout(r, 300));
  const files = fs.readdirSync(sys.logDir);
  const withId = (prefix: string) => files.filter((f) => f.startsWith(prefix) && log(f).includes(requestId));
  expect(withId('gateway-')).toHaveLength(1);
  expect(withId('enterprise-')).toHaveLength(1);
  expect(withId('identity-').length).toBeGreaterThanOrEqual(1);
  // In identity, the hops that enterprise made for it: the person and the role.
  const identityLines = withId('identity-').flatMap((f) => log(f).split('\n').filter((l) => l.includes(requestId)));
  expect(identityLines.some((l) => l.includes('"action":"identity.registerPerson"'))).toBe(true);
  expect(identityLines.some((l) => l.includes('"action":"identity.grantRole"'))).toBe(true);
});

// Last in this file: the second gateway would show in the metrics and log checks above.
test('when two gateways hold a session in their cache, then a logout through one is refused by the other on the broadcast, not only when its cache expires', async () => {
  // The second gateway believes identity's answers for 60 s: only the broadcast can make it refuse
  // the token within the few seconds this test waits.
  const port = await freePort();
  const second = sys.startInstance('gateway', { PORT: String(port), UM_SESSION_CACHE_MS: '60000' });
  try {
    await waitForHttp200(`http://127.0.0.1:${port}/health/ready`, 60_000);
    const other = new ApiClient(`http://127.0.0.1:${port}`);
    const body = onboardingBody();
    expect((await sys.api.post('/admin/enterprises', body, token)).status).toBe(201);
    const en = body.enterpriseNumber;
    const rae = await sys.api.loginAs(body.accessManager.username, body.accessManager.password);
    for (let i = 0; i < 3; i += 1) {
      expect((await sys.api.get(`/enterprises/${en}`, rae.token)).status).toBe(200);
      expect((await other.get(`/enterprises/${en}`, rae.token)).status).toBe(200);
    }
    expect((await sys.api.post('/auth/logout', {}, rae.token)).status).toBe(204);
    expect((await sys.api.get(`/enterprises/${en}`, rae.token)).status).toBe(401);
    const loggedOutAt = Date.now();
    let status = 200;
    while (status !== 401 && Date.now() - loggedOutAt < 5_000) status = (await other.get(`/enterprises/${en}`, rae.token)).status;
    process.stdout.write(`the other gateway refused the logged-out token after ${Date.now() - loggedOutAt} ms\n`);
    expect(status).toBe(401);
  } finally {
    await stopProcess(second);
  }
});
