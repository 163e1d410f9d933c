/**
 * Integration tests: one service built in-process on a real broker over the real NATS, with its
 * real store, isolated by a namespace and database prefix of its own.
 */
import { randomBytes } from 'node:crypto';
import type { ServiceBroker, ServiceSchema } from 'moleculer';
import type { Connection } from 'mongoose';
import { BaseConfig, connectStore, createBroker, createLogger, requestLogMiddleware, type ServiceDeps } from '@um/platform';

export interface IntegrationHarness<C> {
  broker: ServiceBroker;
  db: Connection;
  config: C;
  stop(): Promise<void>;
}

export function requireServers(): { natsUrl: string; mongoUrl: string } {
  const natsUrl = process.env.NATS_URL;
  const mongoUrl = process.env.MONGO_URL;
  if (!natsUrl || !mongoUrl) throw new Error('integration tests need NATS_URL and MONGO_URL: run them with npm test');
  return { natsUrl, mongoUrl };
}

export async function startService<C extends BaseConfig>(
  name: string,
  build: (deps: ServiceDeps<C>) => ServiceSchema | Promise<ServiceSchema>,
  parseConfig: (env: Record<string, string>) => C,
  env: Record<string, string> = {},
): Promise<IntegrationHarness<C>> {
  const { natsUrl, mongoUrl } = requireServers();
  const prefix = `i${randomBytes(4).toString('hex')}`;
  const config = parseConfig({ NATS_URL: natsUrl, MONGO_URL: mongoUrl, UM_NAMESPACE: prefix, UM_DB_PREFIX: prefix, LOG_LEVEL: 'warn', ...env });
  const logger = createLogger({ service: name, level: 'warn' });
  const db = await connectStore(config, name, logger);
  const broker = createBroker({ role: name, config, logger });
  broker.middlewares.add(requestLogMiddleware(logger));
  try {
    broker.createService(await build({ config, logger, db }));
    await broker.start();
  } catch (err) {
    await broker.stop().catch(() => undefined);
    await db.close();
    throw err;
  }
  return {
    broker,
    db,
    config,
    async stop() {
      await broker.stop();
      await db.dropDatabase().catch(() => undefined);
      await db.close();
    },
  };
}
