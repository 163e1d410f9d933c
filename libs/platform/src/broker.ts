/** The one way every process builds its Moleculer broker: NATS transporter, pino, timeouts. */
import os from 'node:os';
import { ServiceBroker, type BrokerOptions } from 'moleculer';
import type { BaseConfig } from './config.js';
import type { Logger } from './logger.js';

export interface BrokerFactoryOptions {
  /** The process's role, used in its node id: `identity`, `gateway`, … */
  role: string;
  config: BaseConfig;
  logger: Logger;
  /** Extra broker options (tests). */
  overrides?: Partial<BrokerOptions>;
}

export function createBroker({ role, config, logger, overrides }: BrokerFactoryOptions): ServiceBroker {
  return new ServiceBroker({
    namespace: config.UM_NAMESPACE,
    nodeID: `${role}-${os.hostname()}-${process.pid}`,
    transporter: { type: 'NATS', options: { url: config.NATS_URL, maxReconnectAttempts: -1, reconnectTimeWait: 500 } },
    requestTimeout: config.UM_REQUEST_TIMEOUT_MS,
    // Retries are enabled but off by default: `call` turns them on only for idempotent actions.
    retryPolicy: {
      enabled: true,
      retries: 0,
      delay: 100,
      maxDelay: 1000,
      factor: 2,
      check: (err) => Boolean((err as { retryable?: boolean }).retryable),
    },
    // A node that stops answering is dropped quickly so calls go to the live instances.
    heartbeatInterval: 2,
    heartbeatTimeout: 6,
    // Wait (bounded) for in-flight requests before a stopping node leaves.
    tracking: { enabled: true, shutdownTimeout: 10_000 },
    registry: { strategy: 'RoundRobin', preferLocal: true },
    logger: {
      type: 'Pino',
      options: {
        level: config.LOG_LEVEL === 'silent' ? false : config.LOG_LEVEL,
        createLogger: (level: string, bindings: Record<string, unknown>) =>
          logger.child({ mod: bindings.mod, svc: bindings.svc }, { level }),
      },
    },
    ...overrides,
  } as BrokerOptions);
}
