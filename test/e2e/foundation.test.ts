/**
 * The first slice through the real processes: HTTP → gateway → NATS → services → store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stopProcess, waitForHttp200 } from '@um/devkit';
import { GOOD_PASSWORD, onboardingBody, personBody, uniqueUsername } from '../support/fixtures';
import { startTestSystem, waitForLog, type TestSystem } from '../support/system';

let sys: TestSystem;
let operatorToken: string;

beforeAll(async () => {
  sys = await startTestSystem();
  operatorToken = (await sys.api.operator()).token;
});

afterAll(async () => {
  await sys?.shutdown();
});

async function onboard(body = onboardingBody()) {
  const res = await sys.api.post('/admin/enterprises', body, operatorToken);
  return { res, body };
}

describe('operations endpoints', () => {
  test('when every process runs, then /health/live and /health/ready answer 200', async () => {
    expect((await sys.api.get('/health/live')).status).toBe(200);
    const ready = await sys.api.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.services.map((s: { service: string }) => s.service).sort()).toEqual(
      ['enterprise', 'identity', 'quality', 'routing-module', 'structured-messaging', 'user-management'].sort(),
    );
  });

  test('when asking /docs/json, then the OpenAPI description lists the slice routes', async () => {
    const docs = await sys.api.get('/docs/json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/admin/enterprises', '/api/v1/enterprises/{enterpriseNumber}']),
    );
  });

  test('when a response is sent, then it carries security headers and a request id', async () => {
    const res = await sys.api.get('/health/live');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('onboarding and reading an enterprise', () => {
  test('when the contact centre onboards an enterprise, then its RAE can log in, choose the role and read it', async () => {
    const { res, body } = await onboard();
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ enterpriseNumber: body.enterpriseNumber, personId: expect.any(String), roleId: expect.any(String), created: true });

    const rae = await sys.api.loginAs(body.accessManager.username, body.accessManager.password);
    expect(rae.roles).toEqual([{ id: res.body.roleId, kind: 'access-manager', enterpriseNumber: body.enterpriseNumber, enterpriseName: body.name }]);
    const read = await sys.api.get(`/enterprises/${body.enterpriseNumber}`, rae.token);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      enterpriseNumber: body.enterpriseNumber,
      name: body.name,
      eligibleQualities: body.eligibleQualities,
      accessManager: { personId: res.body.personId, firstName: 'Ann', lastName: 'Peeters', language: 'nl', email: body.accessManager.email },
    });
    expect(JSON.stringify(read.body)).not.toContain('passwordHash');
  });

  test("when a RAE asks for another enterprise, then it is 404 — same as one that does not exist", async () => {
    const a = await onboard();
    const b = await onboard();
    const raeA = await sys.api.loginAs(a.body.accessManager.username, GOOD_PASSWORD);
    const other = await sys.api.get(`/enterprises/${b.body.enterpriseNumber}`, raeA.token);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('NOT_FOUND');
    const missing = await sys.api.get('/enterprises/0202239951', raeA.token);
    expect(missing.status).toBe(404);
    expect(Object.keys(other.body).sort()).toEqual(Object.keys(missing.body).sort());
  });

  test('when a RAE tries to onboard, then it is 403 and nothing is created', async () => {
    const a = await onboard();
    const raeA = await sys.api.loginAs(a.body.accessManager.username, GOOD_PASSWORD);
    const attempt = onboardingBody();
    const res = await sys.api.post('/admin/enterprises', attempt, raeA.token);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect((await sys.api.get(`/enterprises/${attempt.enterpriseNumber}`, operatorToken)).status).toBe(404);
  });

  test('when the same enterprise is onboarded twice, then the second is 409 ENTERPRISE_EXISTS', async () => {
    const a = await onboard();
    const again = await onboard(onboardingBody({ enterpriseNumber: a.body.enterpriseNumber }));
    expect(again.res.status).toBe(409);
    expect(again.res.body.code).toBe('ENTERPRISE_EXISTS');
    // The second RAE's account was not left behind.
    expect((await sys.api.post('/auth/login', { username: again.body.accessManager.username, password: GOOD_PASSWORD })).status).toBe(401);
  });

  test('when two onboardings race with the same RAE username, then one is 201 and the other 409, leaving nothing behind', async () => {
    const username = uniqueUsername('race');
    const first = onboardingBody({}, { username });
    const second = onboardingBody({}, { username });
    const results = await Promise.all([onboard(first), onboard(second)]);
    const statuses = results.map((r) => r.res.status).sort();
    expect(statuses).toEqual([201, 409]);
    const loser = results.find((r) => r.res.status === 409)!;
    expect(loser.res.body.code).toBe('USERNAME_TAKEN');
    expect((await sys.api.get(`/enterprises/${loser.body.enterpriseNumber}`, operatorToken)).status).toBe(404);
  });

  test('when the RAE person already exists (same NISS), then it is reused with its username', async () => {
    const a = await onboard();
    const b = await onboard(onboardingBody({}, { niss: a.body.accessManager.niss, username: undefined, password: undefined }));
    expect(b.res.status).toBe(201);
    expect(b.res.body.personId).toBe(a.res.body.personId);
    const login = await sys.api.post('/auth/login', { username: a.body.accessManager.username, password: GOOD_PASSWORD });
    expect(login.body.roles.map((r: { enterpriseNumber: string }) => r.enterpriseNumber).sort()).toEqual(
      [a.body.enterpriseNumber, b.body.enterpriseNumber].sort(),
    );
  });
});

describe('bad input on the slice answers 400 with its code and field, and creates nothing', () => {
  const cases: Array<[string, string, string, () => Record<string, any>]> = [
    ['bad enterprise number (check digits)', 'ENTERPRISE_NUMBER_INVALID', 'enterpriseNumber', () => onboardingBody({ enterpriseNumber: '0403170702' })],
    ['enterprise number starting with 2', 'ENTERPRISE_NUMBER_INVALID', 'enterpriseNumber', () => onboardingBody({ enterpriseNumber: '2403170701' })],
    ['bad NISS', 'NISS_INVALID', 'accessManager.niss', () => onboardingBody({}, { niss: '85073003329' })],
    ['password of 9 characters', 'PASSWORD_POLICY', 'accessManager.password', () => onboardingBody({}, { password: 'abcdefg1#' })],
    ['password of 16 characters', 'PASSWORD_POLICY', 'accessManager.password', () => onboardingBody({}, { password: 'abcdefghijklmn1#' })],
    ['password with one non-letter', 'PASSWORD_POLICY', 'accessManager.password', () => onboardingBody({}, { password: 'abcdefghij1' })],
    ['password with a space', 'PASSWORD_POLICY', 'accessManager.password', () => onboardingBody({}, { password: 'abcdef 12#x' })],
    ['password with a special not allowed', 'PASSWORD_POLICY', 'accessManager.password', () => onboardingBody({}, { password: 'abcdefgh1~' })],
    ['username of 7 characters', 'USERNAME_POLICY', 'accessManager.username', () => onboardingBody({}, { username: 'abcdefg' })],
    ['username of 31 characters', 'USERNAME_POLICY', 'accessManager.username', () => onboardingBody({}, { username: 'a'.repeat(31) })],
    ['username with upper case', 'USERNAME_POLICY', 'accessManager.username', () => onboardingBody({}, { username: 'Annpeeters' })],
    ['username with punctuation', 'USERNAME_POLICY', 'accessManager.username', () => onboardingBody({}, { username: 'ann.peeters' })],
    ['unknown field', 'UNKNOWN_FIELD', 'isAdmin', () => onboardingBody({ isAdmin: true })],
    ['unknown nested field', 'UNKNOWN_FIELD', 'accessManager.role', () => onboardingBody({}, { role: 'root' })],
    ['wrong type', 'WRONG_TYPE', 'name', () => onboardingBody({ name: 42 })],
    ['unknown quality type', 'UNKNOWN_VALUE', 'eligibleQualities.0', () => onboardingBody({ eligibleQualities: ['pirate'] })],
    ['unknown language', 'UNKNOWN_VALUE', 'accessManager.language', () => onboardingBody({}, { language: 'xx' })],
    ['injection string as enterprise number', 'ENTERPRISE_NUMBER_INVALID', 'enterpriseNumber', () => onboardingBody({ enterpriseNumber: '{"$gt":""}' })],
    ['operator object as username', 'WRONG_TYPE', 'accessManager.username', () => onboardingBody({}, { username: { $ne: null } })],
  ];

  test.each(cases)('when the body has a %s, then 400 %s on %s', async (_label, code, field, make) => {
    const body = make();
    const res = await sys.api.post('/admin/enterprises', body, operatorToken);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe(code);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
    if (typeof body.enterpriseNumber === 'string' && /^\d{10}$/.test(body.enterpriseNumber)) {
      expect((await sys.api.get(`/enterprises/${body.enterpriseNumber}`, operatorToken)).status).not.toBe(200);
    }
    if (typeof body.accessManager?.username === 'string') {
      expect((await sys.api.post('/auth/login', { username: body.accessManager.username, password: body.accessManager.password })).status).toBe(401);
    }
  });

  test('when the body is larger than the limit, then 413 BODY_TOO_LARGE', async () => {
    const body = onboardingBody({ name: 'x'.repeat(70 * 1024) });
    const res = await sys.api.post('/admin/enterprises', body, operatorToken);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('BODY_TOO_LARGE');
  });

  test('when the body is not JSON, then 400 MALFORMED_BODY', async () => {
    const res = await sys.api.request('POST', '/admin/enterprises', { token: operatorToken, rawBody: '{"enterpriseNumber":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_BODY');
  });

  test('when the path carries a bad enterprise number, then 400 ENTERPRISE_NUMBER_INVALID', async () => {
    const res = await sys.api.get('/enterprises/12345', operatorToken);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'enterpriseNumber', code: 'ENTERPRISE_NUMBER_INVALID' });
  });
});

describe('sessions', () => {
  test('when no token or a made-up token is sent, then 401', async () => {
    expect((await sys.api.get('/enterprises/0403170701')).status).toBe(401);
    const res = await sys.api.get('/enterprises/0403170701', 'x'.repeat(43));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  test('when the session has no chosen role, then role-scoped routes answer 403 ROLE_NOT_CHOSEN', async () => {
    const login = await sys.api.post('/auth/login', { username: 'operator0001', password: 'Operator#2026' });
    const res = await sys.api.get('/enterprises/0403170701', login.body.token);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ROLE_NOT_CHOSEN');
  });

  test('when choosing a role of another person, then 404', async () => {
    const a = await onboard();
    const login = await sys.api.post('/auth/login', { username: 'operator0001', password: 'Operator#2026' });
    const res = await sys.api.post('/auth/session/role', { roleId: a.res.body.roleId }, login.body.token);
    expect(res.status).toBe(404);
  });

  test('when logged out, then the token no longer works', async () => {
    const { token } = await sys.api.operator();
    expect((await sys.api.request('POST', '/auth/logout', { token })).status).toBe(204);
    const after = await sys.api.get('/enterprises/0403170701', token);
    expect(after.status).toBe(401);
  });

  test('when the username is unknown or the password wrong, then the answer is the same 401', async () => {
    const a = await onboard();
    const unknown = await sys.api.post('/auth/login', { username: 'nobodyatall', password: 'Whatever#12' });
    const wrong = await sys.api.post('/auth/login', { username: a.body.accessManager.username, password: 'Whatever#12' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
  });

  test('when a password is wrong 5 times, then the account is locked for a while: 423 with Retry-After', async () => {
    const a = await onboard();
    const username = a.body.accessManager.username;
    for (let i = 0; i < 5; i += 1) {
      expect((await sys.api.post('/auth/login', { username, password: 'Whatever#12' })).status).toBe(401);
    }
    const locked = await sys.api.post('/auth/login', { username, password: GOOD_PASSWORD });
    expect(locked.status).toBe(423);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('the request really crosses the processes', () => {
  test('when a request id is sent, then the services log it (a refused login: answered actions are logged at debug), never the password', async () => {
    const requestId = `e2e-${Date.now()}`;
    await sys.api.request('POST', '/auth/login', { body: { username: 'nobodyatall1', password: 'Secret#20261' }, headers: { 'x-request-id': requestId } });
    // The answer can arrive before identity has written its log line.
    await waitForLog(path.join(sys.logDir, 'identity-1.log'), requestId, 5_000);
    const identityLog = fs.readFileSync(path.join(sys.logDir, 'identity-1.log'), 'utf8');
    expect(identityLog).toContain(requestId);
    expect(identityLog).not.toContain('Secret#20261');
    expect(fs.readFileSync(path.join(sys.logDir, 'gateway-1.log'), 'utf8')).not.toContain('Secret#20261');
  });

  test('when the enterprise service is stopped, then readiness and its routes answer 503; restarted, they recover', async () => {
    const a = await onboard();
    const [enterprise] = sys.of('enterprise');
    await stopProcess(enterprise!);
    const deadline = Date.now() + 15_000;
    let ready = await sys.api.get('/health/ready');
    while (ready.status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      ready = await sys.api.get('/health/ready');
    }
    expect(ready.status).toBe(503);
    const read = await sys.api.get(`/enterprises/${a.body.enterpriseNumber}`, operatorToken);
    expect(read.status).toBe(503);
    expect(read.body.code).toBe('SERVICE_UNAVAILABLE');

    sys.startInstance('enterprise');
    await waitForHttp200(`${sys.baseUrl}/health/ready`, 30_000);
    expect((await sys.api.get(`/enterprises/${a.body.enterpriseNumber}`, operatorToken)).status).toBe(200);
  });
});

test('when the bootstrap operator logs in, then the contact-centre role is listed', async () => {
  const login = await sys.api.post('/auth/login', { username: 'operator0001', password: 'Operator#2026' });
  expect(login.status).toBe(200);
  expect(login.body.roles).toEqual([expect.objectContaining({ kind: 'contact-centre' })]);
  expect(personBody()).toBeDefined();
});
