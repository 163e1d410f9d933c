/** The one way every process builds its Moleculer broker: NATS transporter, pino, timeouts, metrics. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import { Errors, MetricReporters, ServiceBroker, Strategies, type BrokerOptions, type Context, type Middleware } from 'moleculer';
import type { BaseConfig } from './config.js';
import type { Logger } from './logger.js';
import { CoalescingNatsTransporter } from './transporter.js';
import { OtlpExporter, traceMiddleware } from './trace.js';

export interface BrokerFactoryOptions {
  /** The process's role, used in its node id: `identity`, `gateway`, … */
  role: string;
  config: BaseConfig;
  logger: Logger;
  /** Middlewares of the process's own, run inside the request's trace (their log lines carry its id). */
  middlewares?: Middleware[];
  /** Extra broker options (tests). */
  overrides?: Partial<BrokerOptions>;
  /**
   * Readiness of the process, served at `/health/ready` on the metrics port (UM_METRICS_PORT):
   * by default, connected to NATS and not stopping.
   */
  readiness?: () => Promise<Record<string, unknown> & { ready: boolean }>;
}

type Readiness = NonNullable<BrokerFactoryOptions['readiness']>;

/**
 * Moleculer's Prometheus reporter, whose HTTP server also answers the orchestrator's probes, so a
 * service process (which has no HTTP server of its own) needs one port for both.
 */
class MetricsAndProbesReporter extends MetricReporters.Prometheus {
  constructor(
    opts: ConstructorParameters<typeof MetricReporters.Prometheus>[0],
    private readonly readiness: () => Promise<Record<string, unknown> & { ready: boolean }>,
  ) {
    super(opts);
  }

  override handler(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/health/live') return send(200, { status: 'live' });
    if (path === '/health/ready') {
      this.readiness().then(
        (state) => send(state.ready ? 200 : 503, { ...state, status: state.ready ? 'ready' : 'unavailable' }),
        () => send(503, { status: 'unavailable' }),
      );
      return;
    }
    super.handler(req, res);
  }
}

/**
 * Makes a call's timeout a budget for all its attempts: a retry (idempotent actions only) gets
 * what is left of the first attempt's timeout, never a fresh one, so no call outlives its timeout.
 * An attempt that may still be retried waits at most `attemptTimeoutMs`: a call sent to an instance
 * that died without a word (SIGKILL: its peers notice only when its heartbeats stop) is retried on
 * another instance after that, instead of using up the whole budget. The last attempt gets all
 * that is left. It runs on every attempt (a retry goes through the whole chain again) before
 * Moleculer's Timeout middleware, which then uses the `options.timeout` set here.
 */
export function deadlineMiddleware(requestTimeoutMs: number, attemptTimeoutMs = 0): Middleware {
  const wrap = (next: (ctx: Context) => Promise<unknown>) => (ctx: Context) => {
    const options = ctx.options as DeadlineOptions;
    const timeout = options.timeout ?? requestTimeoutMs;
    if (timeout > 0) {
      if (options.umDeadline === undefined) options.umDeadline = Date.now() + timeout;
      const left = options.umDeadline - Date.now();
      if (left <= 0) return Promise.reject(new Errors.RequestTimeoutError({ action: ctx.action?.name ?? '?', nodeID: ctx.nodeID ?? '?' }));
      const attemptsLeft = (options.retries ?? 0) - ((ctx as { _retryAttempts?: number })._retryAttempts ?? 0);
      options.timeout = attemptsLeft > 0 && attemptTimeoutMs > 0 ? Math.min(left, attemptTimeoutMs) : left;
    }
    // Remember which instance this attempt went to: a retry goes elsewhere (RetryAwareRoundRobin).
    return next(ctx).catch((err: unknown) => {
      if (ctx.nodeID) (options.umTried ??= []).push(ctx.nodeID);
      throw err;
    });
  };
  return { name: 'Deadline', remoteAction: wrap } as Middleware;
}

/** Call options this module keeps across the attempts of one call (shared by Moleculer's ctx.copy). */
interface DeadlineOptions {
  timeout?: number;
  retries?: number;
  umDeadline?: number;
  umTried?: string[];
}

/**
 * Round robin, except that a retry skips the instances its call already tried while others are
 * available: an instance that died without a word stays listed until its heartbeats are missed.
 */
export class RetryAwareRoundRobin extends Strategies.RoundRobin {
  override select(list: Parameters<Strategies.RoundRobin['select']>[0], ctx?: Context): ReturnType<Strategies.RoundRobin['select']> {
    const tried = (ctx?.options as DeadlineOptions | undefined)?.umTried;
    const fresh = tried?.length ? list.filter((endpoint) => !tried.includes(endpoint.id)) : list;
    return super.select(fresh.length > 0 ? fresh : list);
  }
}

/** The span exporter of this process, when UM_OTLP_URL names a collector (one per process, shared with the gateway's HTTP spans). */
const exporters = new WeakMap<BaseConfig, OtlpExporter>();
export function exporterOf(role: string, config: BaseConfig, logger: Logger): OtlpExporter | undefined {
  if (!config.UM_OTLP_URL) return undefined;
  let exporter = exporters.get(config);
  if (!exporter) {
    exporter = new OtlpExporter(config.UM_OTLP_URL, role, (err) => logger.warn({ err: { message: (err as Error).message } }, 'could not send spans to UM_OTLP_URL'));
    exporters.set(config, exporter);
  }
  return exporter;
}

const ORDER = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
/** `warn` for Moleculer's own modules, or the configured level when it is higher. */
const quieter = (level: string) => (ORDER.indexOf(level) >= ORDER.indexOf('warn') ? level : 'warn');

export function createBroker({ role, config, logger, middlewares = [], overrides, readiness }: BrokerFactoryOptions): ServiceBroker {
  // Assigned right below; the probe only runs once the server listens.
  // eslint-disable-next-line prefer-const
  let broker: ServiceBroker;
  const defaultReadiness: Readiness = async () => {
    const nats = (broker.transit as { connected?: boolean } | undefined)?.connected === true;
    return { ready: nats && broker.started && !broker.stopping, nats: nats ? 'up' : 'down' };
  };
  const probe: Readiness = async () => {
    const base = await defaultReadiness();
    if (!readiness) return base;
    const own = await readiness();
    return { ...base, ...own, ready: base.ready && own.ready };
  };
  broker = new ServiceBroker({
    namespace: config.UM_NAMESPACE,
    nodeID: `${role}-${os.hostname()}-${process.pid}`,
    transporter: new CoalescingNatsTransporter({ url: config.NATS_URL, maxReconnectAttempts: -1, reconnectTimeWait: 500 }),
    requestTimeout: config.UM_REQUEST_TIMEOUT_MS,
    // Peers learn this node's services and event subscriptions from its INFO packet, which
    // Moleculer sends 1 s after the last local service change by default: a gateway that had just
    // started missed identity's session broadcasts for that second (e2e test with two gateways).
    // Each process registers one or two services, so sending INFO at once costs nothing.
    transit: { serviceChangedDebounceTime: 0 },
    // Retries are enabled but off by default: `call` turns them on only for idempotent actions.
    retryPolicy: {
      enabled: true,
      retries: 0,
      delay: 100,
      maxDelay: 1000,
      factor: 2,
      check: (err) => Boolean((err as { retryable?: boolean }).retryable),
    },
    // A node that stops answering is dropped quickly so calls go to the live instances (a SIGKILLed
    // process says nothing: its peers notice only the missing heartbeats, within 3–4 s).
    heartbeatInterval: 1,
    heartbeatTimeout: 3,
    // Wait (bounded) for in-flight requests before a stopping node leaves.
    tracking: { enabled: true, shutdownTimeout: 10_000 },
    // A stopping node first tells the others it offers nothing, then waits this long before it
    // refuses requests, so the ones already sent to it (busy peers see the news late) still land.
    registry: { strategy: RetryAwareRoundRobin, preferLocal: true, stopDelay: 1_000 },
    // The first listed is the innermost: the trace wraps the process's own middlewares.
    middlewares: [...middlewares, traceMiddleware(exporterOf(role, config, logger)), deadlineMiddleware(config.UM_REQUEST_TIMEOUT_MS, config.UM_ATTEMPT_TIMEOUT_MS)],
    // The process's own SIGTERM handler drains (the gateway: HTTP first, then the broker; a service:
    // the broker, then the store); Moleculer's would stop the broker at once and exit under it.
    skipProcessEventRegistration: true,
    metrics:
      config.UM_METRICS_PORT > 0
        ? {
            enabled: true,
            // Request-time histograms keep their buckets only (Prometheus derives quantiles from
            // them with histogram_quantile). With Moleculer's default quantiles every request's
            // time was also kept for a minute and sorted at each scrape: 600k numbers per
            // histogram at 10k requests/s.
            defaultQuantiles: null,
            reporter: [
              new MetricsAndProbesReporter(
                {
                  port: config.UM_METRICS_PORT,
                  host: config.UM_METRICS_HOST,
                  path: '/metrics',
                  defaultLabels: (registry: { broker: ServiceBroker }) => ({ namespace: config.UM_NAMESPACE, service: role, nodeID: registry.broker.nodeID }),
                },
                probe,
              ),
            ],
          }
        : { enabled: false },
    logger: {
      type: 'Pino',
      options: {
        level: config.LOG_LEVEL === 'silent' ? false : config.LOG_LEVEL,
        // Moleculer's own modules (broker, registry, transit, transporter) say at `info` every node
        // that connects and every service that registers: seven processes wrote 150 such lines at
        // start. They keep their warnings and errors; LOG_LEVEL=debug shows everything.
        createLogger: (level: string, bindings: Record<string, unknown>) =>
          logger.child({ mod: bindings.mod, svc: bindings.svc }, { level: bindings.svc || level === 'debug' || level === 'trace' ? level : quieter(level) }),
      },
    },
    ...overrides,
  } as BrokerOptions);
  return broker;
}
