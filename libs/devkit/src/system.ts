/**
 * Runs the whole system as separate processes — one per service instance, plus the gateway — the
 * way `npm start` and the end-to-end tests do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';
import { freePort, waitForHttp200 } from './net.js';
import { spawnManaged, stopProcess, type ManagedProcess } from './supervisor.js';

/**
 * How every service process is started, here and in deploy/entrypoint.sh (test/deploy checks both agree).
 * A young generation of at most 8 MB: V8's default grows it to 16-32 MB under load, and each
 * collection then stops the process for 2-5 ms while every request in it waits, which was most of
 * the gateway's p99 (docs/benchmarks.md). Smaller ones run more often but stop it for ~1 ms.
 */
export const NODE_FLAGS = ['--enable-source-maps', '--max-semi-space-size=8'];
/** More flags for every service process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a bench run. */
const EXTRA_NODE_FLAGS = (process.env.UM_SERVICE_NODE_FLAGS ?? '').split(' ').filter(Boolean);

export const SERVICES = ['identity', 'enterprise', 'quality', 'user-management', 'routing-module', 'structured-messaging'] as const;
export type ServiceProcessName = (typeof SERVICES)[number] | 'gateway';

/** Parses `UM_INSTANCES`, e.g. `user-management=2,identity=2`. */
export function parseInstances(spec: string | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  if (!spec) return counts;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z-]+)=(\d+)$/.exec(part);
    const name = match?.[1];
    const count = Number(match?.[2]);
    if (!match || !name || !(SERVICES as readonly string[]).concat('gateway').includes(name) || count < 1 || count > 16) {
      throw new Error(`UM_INSTANCES: cannot read "${part}" (expected <service>=<1..16>, services: ${SERVICES.join(', ')}, gateway)`);
    }
    counts[name] = count;
  }
  return counts;
}

export interface SystemOptions {
  natsUrl: string;
  mongoUrl: string;
  host?: string;
  /** 0 or unset: a free port. */
  port?: number;
  instances?: Record<string, number>;
  /** Extra environment for every process (namespace, db prefix, bootstrap operator, …). */
  env?: Record<string, string>;
  /** Folder for one log file per process; unset: logs go to this process's stdout/stderr. */
  logDir?: string;
  /** Each line a process writes (instead of this process's stdout/stderr), unless logDir is set. */
  onLine?: (process: string, line: string, stream: 'stdout' | 'stderr') => void;
  readyTimeoutMs?: number;
  /**
   * Prometheus metrics and probes per process (UM_METRICS_PORT): `true` gives each process a free
   * loopback port; a number is the first of consecutive ports, in start order. Unset: on with
   * consecutive ports when UM_METRICS_PORT is set (non-zero) in `env` or this process's environment.
   */
  metrics?: boolean | number;
}

export interface MetricsEndpoint {
  /** Process name, e.g. `identity#2`. */
  name: string;
  port: number;
  /** `http://host:port/metrics`; the same port answers `/health/live` and `/health/ready`. */
  url: string;
}

export interface RunningSystem {
  baseUrl: string;
  processes: ManagedProcess[];
  /** The processes of one service (instances in start order). */
  of(name: ServiceProcessName): ManagedProcess[];
  /** Starts one more instance of a service (after a kill, say); `env` adds to or overrides the system's (another gateway's PORT). */
  startInstance(name: ServiceProcessName, env?: Record<string, string>): ManagedProcess;
  /** Where each process started so far serves its metrics (empty when metrics are off). */
  metrics(): MetricsEndpoint[];
  stop(): Promise<void>;
}

function entryOf(name: ServiceProcessName): string {
  return path.join(REPO_ROOT, 'services', name, 'dist', name === 'gateway' ? 'server.js' : 'index.js');
}

export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port && options.port > 0 ? options.port : await freePort(host);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    NATS_URL: options.natsUrl,
    MONGO_URL: options.mongoUrl,
    HOST: host,
    PORT: String(port),
  };
  if (options.logDir) fs.mkdirSync(options.logDir, { recursive: true });
  const processes: ManagedProcess[] = [];
  const counters = new Map<string, number>();
  const total = [...SERVICES, 'gateway'].reduce((sum, name) => sum + (options.instances?.[name] ?? 1), 0);
  const nextMetricsPort = await metricsPorts(options, host, total);
  const metricsOf = new Map<ManagedProcess, number>();

  const startInstance = (name: ServiceProcessName, extraEnv: Record<string, string> = {}): ManagedProcess => {
    const index = (counters.get(name) ?? 0) + 1;
    counters.set(name, index);
    const entry = entryOf(name);
    if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
    const metricsPort = nextMetricsPort();
    const proc = spawnManaged(`${name}#${index}`, process.execPath, [...NODE_FLAGS, ...EXTRA_NODE_FLAGS, entry], {
      env: { ...env, UM_METRICS_PORT: String(metricsPort), ...(metricsPort > 0 ? { UM_METRICS_HOST: host } : {}), ...extraEnv },
      cwd: REPO_ROOT,
      ...(options.logDir
        ? { logFile: path.join(options.logDir, `${name}-${index}.log`) }
        : options.onLine
          ? { onLine: (line: string, stream: 'stdout' | 'stderr') => options.onLine!(`${name}#${index}`, line, stream) }
          : { stdio: 'inherit' }),
    });
    processes.push(proc);
    if (metricsPort > 0) metricsOf.set(proc, metricsPort);
    return proc;
  };

  for (const name of [...SERVICES, 'gateway'] as const) {
    const count = options.instances?.[name] ?? 1;
    for (let i = 0; i < count; i += 1) startInstance(name);
  }

  const baseUrl = `http://${host}:${port}`;
  const system: RunningSystem = {
    baseUrl,
    processes,
    of: (name) => processes.filter((p) => p.name.startsWith(`${name}#`)),
    startInstance,
    metrics: () =>
      processes.filter((p) => metricsOf.has(p)).map((p) => ({ name: p.name, port: metricsOf.get(p)!, url: `http://${host}:${metricsOf.get(p)!}/metrics` })),
    async stop() {
      await Promise.all(processes.map((p) => stopProcess(p)));
    },
  };
  try {
    await waitForHttp200(`${baseUrl}/health/ready`, options.readyTimeoutMs ?? 60_000);
  } catch (err) {
    await system.stop();
    throw err;
  }
  return system;
}

/**
 * The metrics port of each process in start order: 0 (off), consecutive ports from a base, or free
 * ports found beforehand (spares included, for instances started later).
 */
async function metricsPorts(options: SystemOptions, host: string, total: number): Promise<() => number> {
  const fromEnv = Number(options.env?.UM_METRICS_PORT ?? process.env.UM_METRICS_PORT ?? 0);
  const setting = options.metrics ?? (fromEnv > 0 ? fromEnv : false);
  if (setting === false || setting === 0) return () => 0;
  if (typeof setting === 'number') {
    let next = setting;
    return () => next++;
  }
  const pool = new Set<number>();
  while (pool.size < total + 8) pool.add(await freePort(host));
  const ports = [...pool];
  return () => {
    const port = ports.shift();
    if (port === undefined) throw new Error('no free metrics port left for another instance');
    return port;
  };
}
