/** One mongoose connection per service, each service in a database of its own. */
import mongoose, { type Connection, type ConnectOptions, type Model, type Schema } from 'mongoose';
import type { BaseConfig } from './config.js';
import type { Logger } from './logger.js';

export function databaseName(config: BaseConfig, service: string): string {
  return `${config.UM_DB_PREFIX}-${service}`;
}

function connectOptions(config: BaseConfig, service: string): ConnectOptions {
  return {
    dbName: databaseName(config, service),
    // Indexes are created by initModels, before the service serves.
    autoIndex: false,
    serverSelectionTimeoutMS: 5_000,
    // Fail a query fast while the store is down instead of buffering it past the request timeout.
    bufferCommands: false,
    maxPoolSize: 20,
  };
}

/**
 * Opens the service's connection, retrying until the store answers (a service may start before
 * its store); once open, the driver reconnects by itself.
 */
export async function connectStore(config: BaseConfig, service: string, logger: Logger): Promise<Connection> {
  const db = mongoose.createConnection();
  db.on('disconnected', () => logger.warn('store disconnected'));
  db.on('reconnected', () => logger.info('store reconnected'));
  for (let attempt = 1; ; attempt += 1) {
    try {
      await db.openUri(config.MONGO_URL, connectOptions(config, service));
      return db;
    } catch (err) {
      logger.warn({ attempt, err: (err as Error).message }, 'store not reachable yet, retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * attempt)));
    }
  }
}

/** `up` when the store answers a ping now. */
export async function pingStore(connection: Connection): Promise<'up' | 'down'> {
  try {
    if (connection.readyState !== 1 || !connection.db) return 'down';
    await connection.db.admin().ping({ maxTimeMS: 1_000 });
    return 'up';
  } catch {
    return 'down';
  }
}

/** FerretDB answers buildInfo with its own version (MongoDB does not). */
export async function isFerretDb(connection: Connection): Promise<boolean> {
  const info = await connection.db!.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}

/** What initModels needs of a model, whatever its document type. */
interface IndexedModel {
  init(): Promise<unknown>;
  schema: Schema;
  collection: Model<unknown>['collection'];
}

/**
 * Creates the models' collections and every index their schemas declare (`autoIndex` is off so
 * that a service starts only once they exist). MongoDB and the local store (FerretDB on
 * PostgreSQL, built so that declared indexes serve its queries: libs/devkit/src/binaries.ts) read
 * them alike.
 */
export async function initModels(connection: Connection, models: IndexedModel[]): Promise<void> {
  await Promise.all(
    models.map(async (model) => {
      await model.init();
      for (const [fields, options] of model.schema.indexes()) {
        await model.collection.createIndex(fields as Record<string, 1 | -1>, options as Record<string, unknown>);
      }
    }),
  );
}
