/**
 * JetStream through the `nats` client directly (Moleculer's transporter does not expose it): one
 * connection per process that keeps reconnecting, and streams and durable consumers created when
 * missing and left as they are otherwise, so that every instance can ensure them at start.
 */
import { connect, type ConsumerConfig, type JetStreamManager, type NatsConnection, type StreamConfig } from 'nats';
import type { Logger } from './logger.js';

/** Connects (waiting for a first server if none answers yet) and logs every disconnection and reconnection. */
export async function connectJetStream(options: { natsUrl: string; name: string; logger: Logger }): Promise<NatsConnection> {
  const nc = await connect({
    servers: options.natsUrl,
    name: `${options.name}-${process.pid}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect') options.logger.warn({ nats: status.type, data: String(status.data) }, 'JetStream connection');
    }
  })();
  return nc;
}

/** Creates the stream when missing; another instance creating it at the same moment is not an error. */
export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.info(config.name);
  } catch {
    await jsm.streams.add(config).catch(async (err: unknown) => {
      await jsm.streams.info(config.name).catch(() => {
        throw err;
      });
    });
  }
}

/** Creates the durable consumer when missing; another instance creating it at the same moment is not an error. */
export async function ensureConsumer(jsm: JetStreamManager, stream: string, config: Partial<ConsumerConfig> & { durable_name: string }): Promise<void> {
  try {
    await jsm.consumers.info(stream, config.durable_name);
  } catch {
    await jsm.consumers.add(stream, config).catch(async (err: unknown) => {
      await jsm.consumers.info(stream, config.durable_name).catch(() => {
        throw err;
      });
    });
  }
}
