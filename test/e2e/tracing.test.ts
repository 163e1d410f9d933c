/**
 * W3C trace context through the real processes: a request's `traceparent` at the gateway → its
 * trace id in the log lines of the gateway and of every service that worked on it, and, with
 * UM_OTLP_URL set, spans of that trace sent by each process to an OTLP/HTTP receiver (a tiny one
 * in this test), each the child of its caller's.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { onboardingBody } from '../support/fixtures';
import { startTestSystem, type TestSystem } from '../support/system';

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP's SpanKind: 2 server, 3 client, 5 consumer. */
  kind: number;
}

let sys: TestSystem;
let receiver: http.Server;
const received: ReceivedSpan[] = [];
const paths = new Set<string>();

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      paths.add(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const doc = JSON.parse(body) as {
        resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue: string } }> }; scopeSpans: Array<{ spans: ReceivedSpan[] }> }>;
      };
      for (const rs of doc.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')!.value.stringValue;
        for (const ss of rs.scopeSpans) for (const span of ss.spans) received.push({ ...span, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  // debug: answered actions are logged at debug (the gateway writes the request's one info line).
  sys = await startTestSystem({ env: { LOG_LEVEL: 'debug', UM_OTLP_URL: `http://127.0.0.1:${port}` } });
}, 120_000);

afterAll(async () => {
  await sys?.shutdown();
  await new Promise((resolve) => receiver?.close(resolve));
}, 60_000);

const logLines = (prefix: string, needle: string) =>
  fs
    .readdirSync(sys.logDir)
    .filter((f) => f.startsWith(prefix))
    .flatMap((f) => fs.readFileSync(path.join(sys.logDir, f), 'utf8').split('\n'))
    .filter((l) => l.includes(needle));

async function eventually<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not seen within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('when an onboarding carries a traceparent, then its trace id is in the logs of the gateway and of the services that answered, and their spans reach the OTLP receiver as one tree', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'.replace(/^4b/, Date.now().toString(16).slice(-2));
  const parent = '00f067aa0ba902b7';
  const token = (await sys.api.operator()).token;
  const res = await sys.api.request('POST', '/admin/enterprises', { token, body: onboardingBody(), headers: { traceparent: `00-${traceId}-${parent}-01` } });
  expect(res.status).toBe(201);

  const gateway = await eventually('the gateway line', () => logLines('gateway-', traceId).find((l) => l.includes('"msg":"request completed"')));
  expect(JSON.parse(gateway)).toMatchObject({ traceId, status: 201, method: 'POST', url: '/api/v1/admin/enterprises' });
  // One line per request at the gateway.
  expect(logLines('gateway-', traceId)).toHaveLength(1);
  for (const [service, action] of [
    ['enterprise-', 'enterprise.onboard'],
    ['identity-', 'identity.registerPerson'],
  ] as const) {
    const line = await eventually(`${action} in ${service} logs`, () => logLines(service, traceId).find((l) => l.includes(`"action":"${action}"`)));
    expect(JSON.parse(line)).toMatchObject({ traceId, msg: 'action done' });
  }

  // Spans reach the receiver in batches, each process's on its own schedule: wait until the
  // three services have sent theirs and every span's parent has arrived too.
  const spans = await eventually('the spans of the gateway, enterprise and identity, each with its parent', () => {
    const mine = received.filter((s) => s.traceId === traceId);
    const ids = new Set(mine.map((s) => s.spanId));
    const complete = ['gateway', 'enterprise', 'identity'].every((svc) => mine.some((s) => s.service === svc)) && mine.every((s) => s.parentSpanId === parent || ids.has(s.parentSpanId!));
    return complete ? mine : undefined;
  });
  // The request's span: the gateway also has consumer spans in the trace (the broadcasts it hears).
  const root = spans.find((s) => s.service === 'gateway' && s.kind === 2)!;
  expect(root).toMatchObject({ parentSpanId: parent, name: 'POST /api/v1/admin/enterprises' });
  const onboard = spans.find((s) => s.name === 'enterprise.onboard')!;
  expect(onboard.parentSpanId).toBe(root.spanId);
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (const span of spans.filter((s) => s !== root)) expect(byId.has(span.parentSpanId!)).toBe(true);
  expect([...paths]).toEqual(expect.arrayContaining(['POST /v1/traces application/json']));
});

test('when a request carries an invalid traceparent, then the gateway starts a trace and the service that answered logs under it', async () => {
  const requestId = `trace-${Date.now()}`;
  const res = await sys.api.request('POST', '/auth/login', { body: { username: 'nobody0000', password: 'Wrong#2026x' }, headers: { traceparent: 'not-a-trace', 'x-request-id': requestId } });
  expect(res.status).toBe(401);
  const line = await eventually('the gateway line', () => logLines('gateway-', requestId).find((l) => l.includes('"msg":"request completed"')));
  const { traceId } = JSON.parse(line) as { traceId: string };
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  const refused = await eventually('identity.login in identity logs', () => logLines('identity-', requestId).find((l) => l.includes('"action":"identity.login"')));
  expect(JSON.parse(refused)).toMatchObject({ traceId, msg: 'action refused' });
});
