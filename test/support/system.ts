/**
 * Starts the real system for an end-to-end suite: every service and the gateway as separate
 * processes, on the NATS and store that `npm test` provides (or its own, when run alone), isolated
 * from other suites by a Moleculer namespace and a database prefix of its own.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServiceBroker } from 'moleculer';
import { ApiClient, startInfra, startSystem, type Infra, type RunningSystem } from '@um/devkit';
import { BaseConfig, createBroker, createLogger } from '@um/platform';

export { ApiClient, type ApiResponse } from '@um/devkit';

export { OPERATOR } from '@um/devkit';
import { OPERATOR } from '@um/devkit';

/**
 * A setup step's answer, or a thrown error naming the step: a 2xx (or exactly `status`, when given)
 * is expected, anything else stops the suite's setup with the answer in the message.
 */
export async function expectOk<T = any>(label: string, promise: Promise<{ status: number; body: T }>, status?: number): Promise<T> {
  const res = await promise;
  if (status === undefined ? res.status < 200 || res.status >= 300 : res.status !== status) throw new Error(`${label}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Waits until a process's log file holds `needle` (processes write their logs asynchronously). */
export async function waitForLog(file: string, needle: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(needle)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`"${needle}" not in ${file} within ${timeoutMs} ms`);
}

export interface TestSystem extends RunningSystem {
  api: ApiClient;
  infra?: Infra;
  namespace: string;
  logDir: string;
  shutdown(): Promise<void>;
}

export async function startTestSystem(
  options: {
    instances?: Record<string, number>;
    env?: Record<string, string>;
    /** NATS and a store of this system's own (local binaries), which the test may stop and restart. */
    ownInfra?: boolean;
    /** Metrics and probes per process on free ports (see `RunningSystem.metrics()`). */
    metrics?: boolean;
  } = {},
): Promise<TestSystem> {
  const ownInfra = options.ownInfra
    ? await startInfra({ forceLocal: true })
    : process.env.NATS_URL && process.env.MONGO_URL
      ? undefined
      : await startInfra({ dockerFlavour: 'testcontainers' });
  const natsUrl = ownInfra?.natsUrl ?? process.env.NATS_URL!;
  const mongoUrl = ownInfra?.mongoUrl ?? process.env.MONGO_URL!;
  const namespace = `t${randomBytes(4).toString('hex')}`;
  const logDir = path.join(os.tmpdir(), 'um-e2e-logs', namespace);
  let system: RunningSystem;
  try {
    system = await startSystem({
      natsUrl,
      mongoUrl,
      instances: options.instances,
      logDir,
      metrics: options.metrics,
      env: {
        UM_NAMESPACE: namespace,
        UM_DB_PREFIX: namespace,
        UM_BOOTSTRAP_OPERATOR_USERNAME: OPERATOR.username,
        UM_BOOTSTRAP_OPERATOR_PASSWORD: OPERATOR.password,
        // E2E_LOG_LEVEL=debug shows Moleculer's packets in the processes' logs (under /tmp/um-e2e-logs).
        LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
        ...options.env,
      },
    });
  } catch (err) {
    // Servers of its own would otherwise outlive the suite (and keep jest from exiting).
    await ownInfra?.stop();
    throw err;
  }
  return {
    ...system,
    api: new ApiClient(system.baseUrl),
    infra: ownInfra,
    namespace,
    logDir,
    async shutdown() {
      await system.stop();
      await ownInfra?.stop();
    },
  };
}


/** A client-only broker in the system's namespace, for internal actions no route offers. */
export async function clientBroker(sys: TestSystem): Promise<ServiceBroker> {
  const config = BaseConfig.parse({ NATS_URL: sys.infra?.natsUrl ?? process.env.NATS_URL, UM_NAMESPACE: sys.namespace, LOG_LEVEL: 'warn' });
  const broker = createBroker({ role: 'test-client', config, logger: createLogger({ service: 'test-client', level: 'warn' }) });
  await broker.start();
  await broker.waitForServices(['identity']);
  return broker;
}
