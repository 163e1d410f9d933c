/**
 * W3C trace context across processes. The gateway accepts a caller's `traceparent` (or starts a
 * trace), and every Moleculer call and event carries one in `ctx.meta.traceparent`; each process
 * keeps the current one in an AsyncLocalStorage, so every log line written while serving it
 * carries its `traceId`, and every call or event sent from there carries it on.
 *
 * Spans (one per HTTP request at the gateway, one per action or event handled) are exported over
 * OTLP/HTTP with JSON bodies only when UM_OTLP_URL is set; otherwise no span is made at all and
 * a trace costs one AsyncLocalStorage.run and a string slice per action.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { CallingOptions, Context, Middleware } from 'moleculer';

export interface TraceContext {
  traceId: string;
  /** The span of the work being done here: the parent of what it calls. */
  spanId: string;
  /** 2 hex digits, `01` when sampled. */
  flags: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** Reads a `traceparent` header (W3C Trace Context, level 1); undefined when it is absent or invalid. */
export function parseTraceparent(header: unknown): TraceContext | undefined {
  if (typeof header !== 'string' || header.length > 512) return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is forbidden; version 00 has nothing after the flags; later versions may add fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, flags };
}

export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}

export function newTraceId(): string {
  return randomUUID().replaceAll('-', '');
}

export function newSpanId(): string {
  const uuid = randomUUID();
  return uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(15, 18) + uuid.slice(19, 20);
}

/** The trace of the work this async context does, if any. */
export const traceStorage = new AsyncLocalStorage<TraceContext>();

/** Fields every log line written in a traced context gets (a pino `mixin`). */
export function traceLogFields(): { traceId?: string } {
  const trace = traceStorage.getStore();
  return trace ? { traceId: trace.traceId } : {};
}

// ---------------------------------------------------------------------------------------------
// Spans and their OTLP/HTTP JSON export

export type SpanKind = 'server' | 'client' | 'internal' | 'consumer';
const KIND: Record<SpanKind, number> = { internal: 1, server: 2, client: 3, consumer: 5 };

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  startNs: bigint;
  endNs: bigint;
  error?: string;
  attributes?: Record<string, string | number | boolean>;
}

const anyValue = (v: string | number | boolean) =>
  typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };

/** The wall clock in nanoseconds, from a monotonic base (spans' times are differences of these). */
const ORIGIN_NS = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
export const nowNs = (): bigint => ORIGIN_NS + process.hrtime.bigint();

/**
 * Batches spans and POSTs them to `<UM_OTLP_URL>/v1/traces` (OTLP/HTTP, JSON encoding) every
 * second or every 256 spans. A collector that is down loses spans, never requests: sending is
 * bounded in time and its failures are reported once per outage.
 */
export class OtlpExporter {
  private buffer: Span[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly endpoint: string;
  private failing = false;

  constructor(
    url: string,
    private readonly serviceName: string,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    this.endpoint = `${url.replace(/\/+$/, '')}/v1/traces`;
    this.timer = setInterval(() => void this.flush(), 1_000);
    this.timer.unref();
  }

  record(span: Span): void {
    this.buffer.push(span);
    if (this.buffer.length >= 256) void this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const spans = this.buffer;
    this.buffer = [];
    try {
      const res = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(this.body(spans)),
        signal: AbortSignal.timeout(3_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`collector answered ${res.status}`);
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.onError(err);
      this.failing = true;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  body(spans: Span[]): unknown {
    return {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: this.serviceName } }] },
          scopeSpans: [
            {
              scope: { name: 'user-management' },
              spans: spans.map((s) => ({
                traceId: s.traceId,
                spanId: s.spanId,
                ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
                name: s.name,
                kind: KIND[s.kind],
                startTimeUnixNano: String(s.startNs),
                endTimeUnixNano: String(s.endNs),
                attributes: Object.entries(s.attributes ?? {}).map(([key, value]) => ({ key, value: anyValue(value) })),
                status: s.error ? { code: 2, message: s.error } : { code: 1 },
              })),
            },
          ],
        },
      ],
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Moleculer: every action and event handled runs in its trace; every call and event sent carries it

type Meta = { traceparent?: string };

function withTrace<O extends { meta?: unknown; groups?: unknown }>(opts: O | undefined): O {
  const trace = traceStorage.getStore();
  if (!trace) return (opts ?? {}) as O;
  return { ...opts, meta: { ...(opts?.meta as object | undefined), traceparent: formatTraceparent(trace) } } as O;
}

/**
 * The handler runs in the trace its caller sent (a new one when none came: a timer, a test's own
 * call); with an exporter, it is a span of its own whose parent is the caller's span.
 */
function traced(exporter: OtlpExporter | undefined, name: (ctx: Context) => string, kind: SpanKind) {
  return (next: (ctx: Context) => Promise<unknown>) => (ctx: Context) => {
    const incoming = parseTraceparent((ctx.meta as Meta | undefined)?.traceparent);
    if (!exporter) {
      return traceStorage.run(incoming ?? { traceId: newTraceId(), spanId: newSpanId(), flags: '01' }, next, ctx);
    }
    const trace: TraceContext = { traceId: incoming?.traceId ?? newTraceId(), spanId: newSpanId(), flags: incoming?.flags ?? '01' };
    const startNs = nowNs();
    const end = (error?: unknown) =>
      exporter.record({
        traceId: trace.traceId,
        spanId: trace.spanId,
        ...(incoming ? { parentSpanId: incoming.spanId } : {}),
        name: name(ctx),
        kind,
        startNs,
        endNs: nowNs(),
        ...(error ? { error: (error as { type?: string }).type ?? (error as Error).name ?? 'error' } : {}),
        attributes: { 'moleculer.node': ctx.broker.nodeID, ...(ctx.requestID ? { 'um.request_id': ctx.requestID } : {}) },
      });
    return traceStorage.run(trace, () =>
      next(ctx).then(
        (result) => {
          end();
          return result;
        },
        (err: unknown) => {
          end(err);
          throw err;
        },
      ),
    );
  };
}

export function traceMiddleware(exporter?: OtlpExporter): Middleware {
  return {
    name: 'Trace',
    localAction: (next: (ctx: Context) => Promise<unknown>, action: { name: string }) => traced(exporter, () => action.name, 'server')(next),
    localEvent: (next: (ctx: Context) => Promise<unknown>, event: { name: string }) => traced(exporter, () => event.name, 'consumer')(next),
    call: (next: (action: string, params: unknown, opts?: CallingOptions) => Promise<unknown>) => (action: string, params: unknown, opts?: CallingOptions) =>
      next(action, params, withTrace(opts)),
    emit: (next: (event: string, payload: unknown, opts?: object) => Promise<void>) => (event: string, payload: unknown, opts?: object) =>
      next(event, payload, typeof opts === 'string' || Array.isArray(opts) ? withTrace<{ groups?: unknown }>({ groups: opts }) : withTrace(opts as { meta?: unknown; groups?: unknown })),
    broadcast: (next: (event: string, payload: unknown, opts?: object) => Promise<void>) => (event: string, payload: unknown, opts?: object) =>
      next(event, payload, typeof opts === 'string' || Array.isArray(opts) ? withTrace<{ groups?: unknown }>({ groups: opts }) : withTrace(opts as { meta?: unknown; groups?: unknown })),
    stopped: async () => {
      await exporter?.stop();
    },
  } as unknown as Middleware;
}
