/** Boots the gateway process: config, logger, broker (a NATS client without services), HTTP. */
import { GatewayConfig, createBroker, createLogger, loadConfig } from '@um/platform';
import { buildApp } from './app.js';

async function main(): Promise<void> {
  const config = loadConfig(GatewayConfig);
  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  const broker = createBroker({ role: 'gateway', config, logger });
  await broker.start();
  const app = await buildApp({ broker, config, logger });
  await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ url: `http://${config.HOST}:${config.PORT}`, docs: `http://${config.HOST}:${config.PORT}/docs` }, 'gateway listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: draining in-flight requests');
    await app.close();
    await broker.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
