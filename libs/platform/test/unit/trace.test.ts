import { ServiceBroker, type Context } from 'moleculer';
import { formatTraceparent, newSpanId, newTraceId, OtlpExporter, parseTraceparent, traceLogFields, traceMiddleware, traceStorage, type Span } from '../../src/trace';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  test('when the header is a valid version-00 traceparent, then its trace id, parent id and flags are read', () => {
    expect(parseTraceparent(`00-${TRACE}-${PARENT}-01`)).toEqual({ traceId: TRACE, spanId: PARENT, flags: '01' });
  });

  test.each([
    ['absent', undefined],
    ['garbage', 'hello'],
    ['upper case', `00-${TRACE.toUpperCase()}-${PARENT}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT}-01`],
    ['an all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE}-${PARENT}-01`],
    ['version 00 with more fields', `00-${TRACE}-${PARENT}-01-extra`],
    ['a too short trace id', `00-${TRACE.slice(1)}-${PARENT}-01`],
  ])('when the header is %s, then it is ignored', (_label, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  test('when a later version adds fields, then the known ones are read', () => {
    expect(parseTraceparent(`01-${TRACE}-${PARENT}-00-whatever`)).toEqual({ traceId: TRACE, spanId: PARENT, flags: '00' });
  });

  test('when ids are made, then they are lower-case hex of the right length and parse back', () => {
    const traceId = newTraceId();
    const spanId = newSpanId();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(parseTraceparent(formatTraceparent({ traceId, spanId, flags: '01' }))).toEqual({ traceId, spanId, flags: '01' });
  });
});

describe('traceMiddleware', () => {
  let broker: ServiceBroker;
  const seen: Array<{ where: string; traceId?: string; traceparent?: string }> = [];
  const spans: Span[] = [];
  const exporter = new OtlpExporter('http://127.0.0.1:9', 'test');
  exporter.record = (span) => void spans.push(span);

  beforeAll(async () => {
    broker = new ServiceBroker({ logger: false, middlewares: [traceMiddleware(exporter)] });
    broker.createService({
      name: 'a',
      actions: {
        async first(ctx: Context) {
          seen.push({ where: 'a.first', ...traceLogFields(), traceparent: (ctx.meta as { traceparent?: string }).traceparent });
          await ctx.emit('thing.happened', {});
          return ctx.call('b.second');
        },
      },
    });
    broker.createService({
      name: 'b',
      actions: {
        async second(ctx: Context) {
          seen.push({ where: 'b.second', ...traceLogFields(), traceparent: (ctx.meta as { traceparent?: string }).traceparent });
          return 'ok';
        },
      },
      events: {
        'thing.happened'(ctx: Context) {
          seen.push({ where: 'event', ...traceLogFields(), traceparent: (ctx.meta as { traceparent?: string }).traceparent });
        },
      },
    });
    await broker.start();
  });
  afterAll(() => broker.stop());

  test('when a call comes in a trace, then the action, the calls and the events it makes all run in that trace, each span the child of its caller', async () => {
    seen.length = 0;
    spans.length = 0;
    const result = await traceStorage.run({ traceId: TRACE, spanId: PARENT, flags: '01' }, () => broker.call('a.first'));
    expect(result).toBe('ok');
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.map((s) => s.where).sort()).toEqual(['a.first', 'b.second', 'event']);
    for (const s of seen) expect(s.traceId).toBe(TRACE);
    const first = spans.find((s) => s.name === 'a.first')!;
    expect(first.parentSpanId).toBe(PARENT);
    expect(spans.find((s) => s.name === 'b.second')!.parentSpanId).toBe(first.spanId);
    expect(spans.find((s) => s.name === 'thing.happened')!.parentSpanId).toBe(first.spanId);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([TRACE]));
  });

  test('when a call comes without a trace, then the action starts one', async () => {
    seen.length = 0;
    await broker.call('a.first');
    const ids = new Set(seen.map((s) => s.traceId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f]{32}$/);
    expect([...ids][0]).not.toBe(TRACE);
  });
});

describe('OtlpExporter', () => {
  test('when spans are encoded, then the body is OTLP/HTTP JSON with hex ids, nanosecond times as strings and the service name', () => {
    const exporter = new OtlpExporter('http://127.0.0.1:9/', 'identity');
    void exporter.stop();
    const body = exporter.body([
      { traceId: TRACE, spanId: PARENT, name: 'identity.login', kind: 'server', startNs: 1n, endNs: 2n, error: 'UNAUTHENTICATED', attributes: { n: 1, ok: true, s: 'x' } },
    ]) as any;
    expect(body.resourceSpans[0].resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'identity' } }]);
    expect(body.resourceSpans[0].scopeSpans[0].spans[0]).toEqual({
      traceId: TRACE,
      spanId: PARENT,
      name: 'identity.login',
      kind: 2,
      startTimeUnixNano: '1',
      endTimeUnixNano: '2',
      attributes: [
        { key: 'n', value: { intValue: '1' } },
        { key: 'ok', value: { boolValue: true } },
        { key: 's', value: { stringValue: 'x' } },
      ],
      status: { code: 2, message: 'UNAUTHENTICATED' },
    });
  });
});
