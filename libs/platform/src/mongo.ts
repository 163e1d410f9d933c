/** One mongoose connection per service, each service in a database of its own. */
import mongoose, { type Connection, type ConnectOptions } from 'mongoose';
import type { BaseConfig } from './config.js';
import type { Logger } from './logger.js';

export function databaseName(config: BaseConfig, service: string): string {
  return `${config.UM_DB_PREFIX}-${service}`;
}

function connectOptions(config: BaseConfig, service: string): ConnectOptions {
  return {
    dbName: databaseName(config, service),
    autoIndex: true,
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
