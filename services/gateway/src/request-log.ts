/**
 * The gateway's request logs and traces. One line per request when it is answered, sized for the
 * hot path: health probes and answered authorization checks at `debug`, other successes and
 * refusals (4xx) at `info`, failures (5xx) at `error`. Every line of a request carries its
 * `requestId` and its W3C `traceId` (from the caller's `traceparent`, or a new trace).
 */
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { newSpanId, newTraceId, nowNs, parseTraceparent, traceStorage, type OtlpExporter, type TraceContext } from '@um/platform';

interface RequestTrace extends TraceContext {
  /** The caller's span, the parent of this request's. */
  parentSpanId?: string;
  startNs?: bigint;
}

const traces = new WeakMap<IncomingMessage, RequestTrace>();

/** This request's trace: the caller's `traceparent` continued, or a new trace when it is absent or invalid. */
export function traceOf(raw: IncomingMessage): RequestTrace {
  let trace = traces.get(raw);
  if (!trace) {
    const incoming = parseTraceparent(raw.headers.traceparent);
    trace = incoming
      ? { traceId: incoming.traceId, spanId: newSpanId(), flags: incoming.flags, parentSpanId: incoming.spanId }
      : { traceId: newTraceId(), spanId: newSpanId(), flags: '01' };
    traces.set(raw, trace);
  }
  return trace;
}

const QUIET_ROUTES = new Set(['/api/v1/authorizations/check']);

export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode;
    const route = request.routeOptions.url;
    const level =
      error || status >= 500 ? 'error' : status >= 400 ? 'info' : request.url.startsWith('/health/') || (route && QUIET_ROUTES.has(route)) ? 'debug' : 'info';
    if (!(request.log as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled(level)) return;
    request.log[level]({ method: request.method, url: request.url, status, ms: Math.round(reply.elapsedTime * 100) / 100, ...(error ? { err: error } : {}) }, 'request completed');
  }
}

/**
 * Every call and event made while handling a request carries its trace (the broker's Trace
 * middleware reads it from here). Body parsing is done by then; the hook must run before the
 * authentication hook, whose call to identity is traced too. With an exporter, each request is a
 * server span.
 */
export function registerTracing(app: FastifyInstance, exporter: OtlpExporter | undefined): void {
  app.addHook('preHandler', (request, _reply, done) => {
    traceStorage.run(traceOf(request.raw), done);
  });
  if (!exporter) return;
  app.addHook('onRequest', (request, _reply, done) => {
    traceOf(request.raw).startNs = nowNs();
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const trace = traceOf(request.raw);
    exporter.record({
      traceId: trace.traceId,
      spanId: trace.spanId,
      ...(trace.parentSpanId ? { parentSpanId: trace.parentSpanId } : {}),
      name: `${request.method} ${request.routeOptions.url ?? 'unknown route'}`,
      kind: 'server',
      startNs: trace.startNs ?? nowNs(),
      endNs: nowNs(),
      ...(reply.statusCode >= 500 ? { error: `HTTP ${reply.statusCode}` } : {}),
      attributes: { 'http.request.method': request.method, 'http.route': request.routeOptions.url ?? '', 'http.response.status_code': reply.statusCode, 'um.request_id': request.id },
    });
    done();
  });
}
