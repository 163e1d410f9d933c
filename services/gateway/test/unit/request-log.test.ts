import Fastify from 'fastify';
import { createLogger } from '@um/platform';
import { RequestLogController, traceOf } from '../../src/request-log.js';

async function appLogging(level: string) {
  const lines: Array<Record<string, any>> = [];
  const logger = createLogger({ service: 'gateway', level }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const app = Fastify({
    loggerInstance: logger,
    logController: new RequestLogController(),
    childLoggerFactory: (parent, bindings, options, raw) => parent.child({ ...bindings, traceId: traceOf(raw).traceId }, options),
  });
  app.get('/health/live', async () => ({ status: 'live' }));
  app.get('/api/v1/authorizations/check', async () => ({ allowed: true }));
  app.get('/api/v1/things', async () => ({ ok: true }));
  app.get('/api/v1/refused', async (_req, reply) => reply.code(403).send({ code: 'FORBIDDEN' }));
  app.get('/api/v1/broken', async () => {
    throw new Error('boom');
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  apps.push(app);
  // Real HTTP (light-my-request's inject needs require(esm), which this jest setup lacks).
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await fetch(base + url, { headers });
    await res.arrayBuffer();
  };
  return { get, lines };
}

const apps: Array<ReturnType<typeof Fastify>> = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

describe('RequestLogController', () => {
  test('when requests are answered at the info level, then each writes one line, except health probes and authorization checks', async () => {
    const { get, lines } = await appLogging('info');
    for (const url of ['/health/live', '/api/v1/authorizations/check', '/api/v1/things', '/api/v1/refused', '/api/v1/broken']) await get(url);
    const requests = lines.filter((l) => l.msg === 'request completed');
    expect(requests.map((l) => [l.url, l.status, l.level])).toEqual([
      ['/api/v1/things', 200, 30],
      ['/api/v1/refused', 403, 30],
      ['/api/v1/broken', 500, 50],
    ]);
    expect(lines.filter((l) => l.msg === 'incoming request')).toHaveLength(0);
    for (const line of requests) {
      expect(line.requestId).toEqual(expect.any(String));
      expect(line.traceId).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  test('when the level is debug, then probes and checks are logged too', async () => {
    const { get, lines } = await appLogging('debug');
    await get('/health/live');
    await get('/api/v1/authorizations/check');
    expect(lines.filter((l) => l.msg === 'request completed').map((l) => [l.url, l.level])).toEqual([
      ['/health/live', 20],
      ['/api/v1/authorizations/check', 20],
    ]);
  });

  test('when a request carries a valid traceparent, then its lines carry that trace id; an invalid one starts a new trace', async () => {
    const { get, lines } = await appLogging('info');
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    await get('/api/v1/things', { traceparent: `00-${trace}-00f067aa0ba902b7-01` });
    await get('/api/v1/things', { traceparent: `00-${trace}-0000000000000000-01` });
    const [first, second] = lines.filter((l) => l.msg === 'request completed');
    expect(first!.traceId).toBe(trace);
    expect(second!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(second!.traceId).not.toBe(trace);
  });
});
