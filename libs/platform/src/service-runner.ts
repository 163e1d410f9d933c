/**
 * Boots one service as its own process: config, logger, store connection, broker, a `health`
 * action, per-action logs carrying the request id, and a graceful stop on SIGTERM/SIGINT.
 */
import { Errors, type Context, type Middleware, type ServiceSchema } from 'moleculer';
import { isErrorCode } from '@um/contracts';
import { ServerProblem } from './errors.js';
import type { Connection } from 'mongoose';
import type { z } from 'zod';
import type { ServiceName } from '@um/contracts';
import { createBroker } from './broker.js';
import { BaseConfig, loadConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { connectStore, pingStore } from './mongo.js';

export interface ServiceDeps<C extends BaseConfig> {
  config: C;
  logger: Logger;
  db: Connection;
}

export interface ServiceDefinition<C extends BaseConfig> {
  name: ServiceName;
  configSchema?: z.ZodType<C>;
  /** Builds the Moleculer service schema from its dependencies. */
  build(deps: ServiceDeps<C>): ServiceSchema | Promise<ServiceSchema>;
}

const STORE_DOWN = new Set(['MongoServerSelectionError', 'MongooseServerSelectionError', 'MongoPoolClearedError', 'MongoNetworkError', 'MongoNotConnectedError', 'MongoTopologyClosedError', 'MongoNetworkTimeoutError']);

/**
 * What may leave a service: our problems and Moleculer's own errors as they are; the store being
 * unreachable as a 503 SERVICE_UNAVAILABLE; anything else as a 500 without its details.
 */
export function toBoundaryError(err: unknown): Errors.MoleculerError {
  // Errors from another service arrive as plain Errors carrying `type`: codes, not classes, count.
  const type = (err as { type?: unknown } | null)?.type;
  if (err instanceof Errors.MoleculerError && err.type) return err;
  if (isErrorCode(type)) return err as Errors.MoleculerError;
  const name = (err as { name?: string } | null)?.name ?? '';
  if (STORE_DOWN.has(name)) {
    // Every instance shares the store: retrying on another one would only wait as long again.
    const problem = new ServerProblem('SERVICE_UNAVAILABLE', 'the store is unavailable');
    problem.retryable = false;
    return problem;
  }
  return new ServerProblem('INTERNAL', 'internal error');
}

/**
 * Logs every local action with its request id (and, through the logger, its trace id), so one
 * request can be followed across processes. One line per action, sized for the hot path: a
 * success at `debug`, a refusal (4xx) at `info`, a failure (5xx) at `error`; a health probe never.
 */
export function requestLogMiddleware(logger: Logger): Middleware {
  return {
    name: 'RequestLog',
    localAction(next: (ctx: Context) => Promise<unknown>, action: { name: string }) {
      return async (ctx: Context) => {
        const started = process.hrtime.bigint();
        const fields = () => ({
          requestId: ctx.requestID,
          action: action.name,
          caller: ctx.nodeID,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        });
        try {
          const result = await next(ctx);
          if (logger.isLevelEnabled('debug') && !action.name.endsWith('.health')) logger.debug(fields(), 'action done');
          return result;
        } catch (err) {
          const boundary = toBoundaryError(err);
          const status = (boundary as { code?: number }).code ?? 500;
          if (status < 500) logger.info({ ...fields(), status, code: boundary.type }, 'action refused');
          else logger.error({ ...fields(), status, code: boundary.type, err }, 'action failed');
          throw boundary;
        }
      };
    },
  } as Middleware;
}

/** Starts the service; resolves once it is reachable over NATS. */
export async function runService<C extends BaseConfig>(definition: ServiceDefinition<C>): Promise<() => Promise<void>> {
  const config = loadConfig((definition.configSchema ?? BaseConfig) as z.ZodType<C>);
  const logger = createLogger({ service: definition.name, level: config.LOG_LEVEL, format: config.UM_LOG_FORMAT, traced: true });
  const db = await connectStore(config, definition.name, logger);

  const broker = createBroker({
    role: definition.name,
    config,
    logger,
    middlewares: [requestLogMiddleware(logger)],
    readiness: async () => {
      const store = await pingStore(db);
      return { ready: store === 'up', store };
    },
  });
  const schema = await definition.build({ config, logger, db });
  broker.createService({
    ...schema,
    name: definition.name,
    actions: {
      ...schema.actions,
      health: {
        handler: async () => ({ service: definition.name, store: await pingStore(db), nodeID: broker.nodeID }),
      },
    },
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('stopping: draining in-flight requests');
      await broker.stop();
      await db.close();
      logger.info('stopped');
    })());

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        (err) => {
          logger.error({ err }, 'error while stopping');
          process.exit(1);
        },
      );
    });
  }

  await broker.start();
  logger.info({ nodeID: broker.nodeID }, 'service started');
  return stop;
}
