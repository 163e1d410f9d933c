/**
 * Runs the whole system as separate processes — one per service instance, plus the gateway — the
 * way `npm start` and the end-to-end tests do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';
import { freePort, waitForHttp200 } from './net.js';
import { spawnManaged, stopProcess, type ManagedProcess } from './supervisor.js';

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
  readyTimeoutMs?: number;
}

export interface RunningSystem {
  baseUrl: string;
  processes: ManagedProcess[];
  /** The processes of one service (instances in start order). */
  of(name: ServiceProcessName): ManagedProcess[];
  /** Starts one more instance of a service (after a kill, say). */
  startInstance(name: ServiceProcessName): ManagedProcess;
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

  const startInstance = (name: ServiceProcessName): ManagedProcess => {
    const index = (counters.get(name) ?? 0) + 1;
    counters.set(name, index);
    const entry = entryOf(name);
    if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
    const proc = spawnManaged(`${name}#${index}`, process.execPath, ['--enable-source-maps', entry], {
      env,
      cwd: REPO_ROOT,
      ...(options.logDir ? { logFile: path.join(options.logDir, `${name}-${index}.log`) } : { stdio: 'inherit' }),
    });
    processes.push(proc);
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
