/** Boots the gateway process: config, logger, broker (a NATS client offering no action), HTTP, and the optional HTTPS listener. */
import fs from 'node:fs';
import https from 'node:https';
import { ConfigError, GatewayConfig, OwnedCache, call, createBroker, createLogger, defineEvent, loadConfig } from '@um/platform';
import { CACHES, type OwnIdentity } from '@um/contracts';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { PrincipalCache } from './principal-cache.js';

/**
 * The HTTPS listener of certificate login: it asks every client for a certificate but does not
 * reject any at the handshake (personal certificates are often self-signed); identity decides.
 * It serves the same routes as the HTTP listener.
 */
async function listenTls(app: FastifyInstance, config: GatewayConfig): Promise<https.Server | undefined> {
  if (!config.UM_TLS_PORT) return undefined;
  if (!config.UM_TLS_CERT_FILE || !config.UM_TLS_KEY_FILE) {
    throw new ConfigError('invalid configuration:\n  UM_TLS_CERT_FILE, UM_TLS_KEY_FILE: both are required with UM_TLS_PORT');
  }
  const server = https.createServer(
    {
      cert: fs.readFileSync(config.UM_TLS_CERT_FILE),
      key: fs.readFileSync(config.UM_TLS_KEY_FILE),
      ...(config.UM_TLS_CLIENT_CA_FILE ? { ca: fs.readFileSync(config.UM_TLS_CLIENT_CA_FILE) } : {}),
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    (req, res) => app.routing(req, res),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.UM_TLS_PORT, config.HOST, () => resolve());
  });
  return server;
}

async function main(): Promise<void> {
  const config = loadConfig(GatewayConfig);
  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL, format: config.UM_LOG_FORMAT });
  const broker = createBroker({ role: 'gateway', config, logger });
  const principals = new PrincipalCache(config.UM_SESSION_CACHE_MS, (token, requestID) => call(broker, 'identity.authenticate', { token }, { requestID }));
  // identity's part of GET /me, kept as identity keeps it and dropped when identity drops it (routes/me.ts).
  const ownIdentities = new OwnedCache<OwnIdentity>(CACHES.identityPersons, config.UM_READ_CACHE_MS);
  // The gateway offers no action; this service only hears that sessions ended (principal-cache.ts)
  // and that a person's own data changed.
  broker.createService({
    name: 'gateway',
    events: {
      ...defineEvent('identity.sessions.changed', async (scope) => principals.forget(scope)),
      ...defineEvent('cache.dropped', async (dropped) => ownIdentities.onDropped(dropped)),
    },
  });
  await broker.start();
  const app = await buildApp({ broker, principals, ownIdentities, config, logger });
  await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ url: `http://${config.HOST}:${config.PORT}`, docs: `http://${config.HOST}:${config.PORT}/docs` }, 'gateway listening');
  const tls = await listenTls(app, config);
  if (tls) logger.info({ url: `https://${config.HOST}:${config.UM_TLS_PORT}` }, 'gateway listening with mutual TLS');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: draining in-flight requests');
    if (tls) {
      const closed = new Promise((resolve) => tls.close(resolve));
      tls.closeIdleConnections();
      await closed;
    }
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
