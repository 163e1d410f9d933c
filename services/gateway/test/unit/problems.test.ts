/**
 * Every error the gateway answers itself is a problem+json with a stable code and the right status,
 * and the checks run in the order authenticate → authorise → validate.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Errors } from 'moleculer';
import { ErrorCodes } from '@um/contracts';
import { MAX_PARAM_LENGTH, registerProblemHandlers } from '../../src/plugins/problems.js';
import { EN, TOKENS, bearer, buildTestApp, type StandIn } from './support.js';

let app: FastifyInstance;
let calls: string[];
let send: StandIn['send'];

beforeAll(async () => {
  ({ app, calls, send } = await buildTestApp({}, {
    'user-management.searchQuality': { items: [], total: 0, page: 1, pageSize: 20 },
    // A call that timed out between services (Moleculer's own error, type REQUEST_TIMEOUT).
    'enterprise.get': new Errors.RequestTimeoutError({ action: 'enterprise.get', nodeID: 'enterprise-1' }),
  }));
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => {
  calls.length = 0;
});

function expectProblem(res: { statusCode: number; headers: Record<string, string | undefined>; body: string }, status: number, code: string) {
  expect({ status: res.statusCode, code: JSON.parse(res.body).code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(ErrorCodes[code as keyof typeof ErrorCodes]).toBe(status);
  const problem = JSON.parse(res.body);
  expect(problem).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
  expect(res.headers['x-request-id']).toEqual(problem.requestId);
  return problem;
}

describe('errors of every layer as problems', () => {
  test('when a call between services times out, then 503 SERVICE_UNAVAILABLE (not the HTTP parser\'s 408)', async () => {
    const res = await send({ method: 'GET', url: `/api/v1/enterprises/${EN}`, headers: bearer(TOKENS.rae) });
    expectProblem(res, 503, 'SERVICE_UNAVAILABLE');
  });

  test('when a path parameter is longer than 100 characters, then 414 URI_TOO_LONG without the path echoed', async () => {
    const long = '9'.repeat(101);
    const res = await send({ method: 'GET', url: `/api/v1/enterprises/${long}`, headers: bearer(TOKENS.rae) });
    const problem = expectProblem(res, 414, 'URI_TOO_LONG');
    expect(res.body).not.toContain(long);
    expect(problem.instance).toBeUndefined();
    expect(res.headers['content-security-policy']).toBeDefined();
  });

  test('when a catch-all GET route (the console) takes a path whose parameter is too long, then still 414 URI_TOO_LONG, not 405', async () => {
    const bare = Fastify({ routerOptions: { maxParamLength: MAX_PARAM_LENGTH } });
    registerProblemHandlers(bare);
    bare.get('/api/v1/things/:id', async () => ({ ok: true }));
    bare.get('/*', async (_request, reply) => reply.callNotFound());
    const base = await bare.listen({ host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`${base}/api/v1/things/${'1'.repeat(101)}`);
      expect({ status: res.status, code: ((await res.json()) as { code: string }).code }).toEqual({ status: 414, code: 'URI_TOO_LONG' });
      const known = await fetch(`${base}/api/v1/things/1`, { method: 'DELETE' });
      expect({ status: known.status, allow: known.headers.get('allow') }).toEqual({ status: 405, allow: 'GET, HEAD' });
    } finally {
      await bare.close();
    }
  });

  test('when a path parameter is exactly 100 characters, then the route answers (here: the parameter is invalid)', async () => {
    const res = await send({ method: 'GET', url: `/api/v1/enterprises/${'9'.repeat(100)}`, headers: bearer(TOKENS.rae) });
    expectProblem(res, 400, 'ENTERPRISE_NUMBER_INVALID');
  });

  test('when the path is not valid percent-encoding, then 400 INVALID_URL', async () => {
    const res = await send({ method: 'GET', url: '/api/v1/enterprises/%E0%A4%A', headers: bearer(TOKENS.rae) });
    expectProblem(res, 400, 'INVALID_URL');
  });

  test.each([
    ['text/plain', 'hello'],
    ['application/xml', '<a/>'],
    ['application/x-www-form-urlencoded', 'a=1'],
  ])('when the body is %s, then 415 UNSUPPORTED_MEDIA_TYPE', async (type, payload) => {
    const res = await send({ method: 'POST', url: '/api/v1/admin/enterprises', headers: { ...bearer(TOKENS.operator), 'content-type': type }, payload });
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(calls).toEqual([]);
  });

  test('when the request line and headers are larger than Node accepts, then 431 HEADERS_TOO_LARGE as a problem', async () => {
    const res = await send({ method: 'GET', url: `/api/v1/me?q=${'x'.repeat(20_000)}` });
    expect({ status: res.statusCode, type: res.headers['content-type'], code: JSON.parse(res.body).code }).toEqual({ status: 431, type: 'application/problem+json', code: 'HEADERS_TOO_LARGE' });
    expect(res.body).not.toContain('xxxxxxxxxx');
  });

  test('when the body is larger than UM_BODY_LIMIT_BYTES, then 413 BODY_TOO_LARGE', async () => {
    const res = await send({ method: 'POST', url: '/api/v1/admin/enterprises', headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(70 * 1024) }) });
    expectProblem(res, 413, 'BODY_TOO_LARGE');
  });

  test('when the body is not JSON, then 400 MALFORMED_BODY', async () => {
    const res = await send({ method: 'POST', url: '/api/v1/admin/enterprises', headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, payload: '{"a":' });
    expectProblem(res, 400, 'MALFORMED_BODY');
  });

  test('when a known path is called with another method, then 405 METHOD_NOT_ALLOWED with Allow', async () => {
    const res = await send({ method: 'DELETE', url: '/api/v1/me', headers: bearer(TOKENS.rae) });
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('GET, HEAD, PATCH');
    const withParams = await send({ method: 'PUT', url: `/api/v1/enterprises/${EN}/batch-channels/abc` });
    expectProblem(withParams, 405, 'METHOD_NOT_ALLOWED');
    expect(withParams.headers.allow).toBe('DELETE');
  });

  test('when no route has the path, then 404 NOT_FOUND, and a very long path is not echoed', async () => {
    expectProblem(await send({ method: 'GET', url: '/api/v1/nothing-here' }), 404, 'NOT_FOUND');
    const long = `/api/v1/${'x'.repeat(5000)}`;
    const res = await send({ method: 'POST', url: long });
    const problem = expectProblem(res, 404, 'NOT_FOUND');
    expect(problem.instance).toBeUndefined();
    expect(res.body.length).toBeLessThan(1000);
  });
});

describe('authenticate, then authorise, then validate', () => {
  const badOnboarding = { enterpriseNumber: 'nope', extra: true };
  const post = (token: string | undefined, payload: unknown, type = 'application/json') =>
    send({ method: 'POST', url: '/api/v1/admin/enterprises', headers: { ...(token ? bearer(token) : {}), 'content-type': type }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

  test('when there is no token, then 401 whatever the body (invalid, not JSON, too large, wrong type)', async () => {
    expectProblem(await post(undefined, badOnboarding), 401, 'UNAUTHENTICATED');
    expectProblem(await post(undefined, '{"a":'), 401, 'UNAUTHENTICATED');
    expectProblem(await post(undefined, { name: 'x'.repeat(70 * 1024) }), 401, 'UNAUTHENTICATED');
    expectProblem(await post(undefined, 'x', 'text/plain'), 401, 'UNAUTHENTICATED');
    expectProblem(await post('not-a-known-token-000000000', badOnboarding), 401, 'UNAUTHENTICATED');
    const me = await send({ method: 'PATCH', url: '/api/v1/me', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ emails: 42 }) });
    expectProblem(me, 401, 'UNAUTHENTICATED');
    expect(calls).toEqual([]);
  });

  test('when no role is chosen, then 403 ROLE_NOT_CHOSEN before the body is validated', async () => {
    expectProblem(await post(TOKENS.noRole, badOnboarding), 403, 'ROLE_NOT_CHOSEN');
  });

  test('when the role kind can never use the route, then 403 FORBIDDEN before the body is validated', async () => {
    expectProblem(await post(TOKENS.gl, badOnboarding), 403, 'FORBIDDEN');
    expectProblem(await post(TOKENS.rae, '{"a":'), 403, 'FORBIDDEN');
    const user = await send({ method: 'POST', url: `/api/v1/enterprises/${EN}/qualities/employer/users`, headers: { ...bearer(TOKENS.user), 'content-type': 'application/json' }, payload: '{}' });
    expectProblem(user, 403, 'FORBIDDEN');
    const glOnCoRae = await send({ method: 'GET', url: '/api/v1/enterprises/not-even-a-number/co-access-managers', headers: bearer(TOKENS.gl) });
    expectProblem(glOnCoRae, 403, 'FORBIDDEN');
    expect(calls).toEqual([]);
  });

  test('when the role kind may use the route, then the body is validated (400) and no service is called', async () => {
    const res = expectProblem(await post(TOKENS.operator, badOnboarding), 400, 'ENTERPRISE_NUMBER_INVALID');
    expect(res.errors.length).toBeGreaterThan(1);
    expect(calls).toEqual([]);
  });

  test('when the role kind may use the route and the body is valid, then the owning service decides (scope)', async () => {
    const res = await send({ method: 'GET', url: `/api/v1/enterprises/${EN}/qualities/mandatary/users`, headers: bearer(TOKENS.gl) });
    expect(res.statusCode).toBe(200);
    expect(calls).toEqual(['user-management.searchQuality']);
  });
});
