/**
 * CORS only for the origins of UM_CORS_ORIGINS (none by default), and a CSP for /docs that lets
 * Swagger UI load over plain HTTP on any host.
 */
import { ConfigError, GatewayConfig, loadConfig } from '@um/platform';
import { EN, TOKENS, bearer, buildTestApp, type StandIn } from './support.js';

const PORTAL = 'https://portal.example.be';
const preflight = (origin: string) => ({
  method: 'OPTIONS',
  url: `/api/v1/enterprises/${EN}/users`,
  headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
});

describe('with UM_CORS_ORIGINS set', () => {
  let gw: StandIn;
  beforeAll(async () => {
    gw = await buildTestApp({ UM_CORS_ORIGINS: `${PORTAL}, http://localhost:5173` });
  });
  afterAll(async () => {
    await gw.app.close();
  });

  test('when an allowed origin sends a preflight, then 204 with the allowed methods and headers', async () => {
    const res = await gw.send(preflight(PORTAL));
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(res.headers['access-control-allow-methods']).toContain('PATCH');
    expect(res.headers['access-control-allow-headers']).toContain('authorization');
    expect(res.headers['access-control-allow-headers']).toContain('content-type');
    expect(res.headers.vary).toContain('Origin');
  });

  test('when another origin sends a preflight, then no allow header', async () => {
    for (const origin of ['https://evil.example', 'https://portal.example.be.evil.example', 'null']) {
      const res = await gw.send(preflight(origin));
      expect(res.statusCode).not.toBe(204);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-methods']).toBeUndefined();
    }
  });

  test('when an allowed origin calls the API, then the answer (a refusal too) is readable by it, with the request id exposed', async () => {
    const refused = await gw.send({ method: 'GET', url: `/api/v1/enterprises/${EN}`, headers: { origin: 'http://localhost:5173' } });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(refused.headers['access-control-expose-headers']).toContain('x-request-id');
    const other = await gw.send({ method: 'GET', url: `/api/v1/enterprises/${EN}`, headers: { origin: 'https://evil.example', ...bearer(TOKENS.rae) } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('without UM_CORS_ORIGINS', () => {
  let gw: StandIn;
  beforeAll(async () => {
    gw = await buildTestApp();
  });
  afterAll(async () => {
    await gw.app.close();
  });

  test('when any origin sends a preflight, then no CORS header at all (405 for the method)', async () => {
    const res = await gw.send(preflight(PORTAL));
    expect(res.statusCode).toBe(405);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  test('when /docs is served, then its CSP does not upgrade requests to HTTPS; the API keeps the strict one', async () => {
    const docs = await gw.send({ method: 'GET', url: '/docs' });
    expect(docs.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
    expect(docs.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    const api = await gw.send({ method: 'GET', url: '/api/v1/me' });
    expect(api.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});

test('when an origin of UM_CORS_ORIGINS has a path, then the configuration is refused with the key named', () => {
  expect(() => loadConfig(GatewayConfig, { UM_CORS_ORIGINS: 'https://portal.example.be/app' })).toThrow(ConfigError);
  expect(() => loadConfig(GatewayConfig, { UM_CORS_ORIGINS: 'https://portal.example.be/app' })).toThrow(/UM_CORS_ORIGINS/);
  expect(loadConfig(GatewayConfig, {}).UM_CORS_ORIGINS).toEqual([]);
});
