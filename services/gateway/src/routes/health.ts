/** Liveness and readiness, outside /api/v1. Ready only when NATS, the store and every service answer. */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import { SERVICE_NAMES } from '@um/contracts';
import { call } from '@um/platform';

export function healthRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'live' }));

  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    const nats = (broker.transit as { connected?: boolean } | undefined)?.connected === true;
    const checks = await Promise.all(
      SERVICE_NAMES.map(async (service) => {
        if (!nats) return { service, status: 'down', store: 'unknown' };
        try {
          const health = await call(broker, `${service}.health` as 'identity.health', {}, { timeout: 2_000, retries: 0 });
          return { service, status: health.store === 'up' ? 'up' : 'down', store: health.store };
        } catch (err) {
          return { service, status: 'down', store: 'unknown', error: (err as { type?: string }).type ?? 'ERROR' };
        }
      }),
    );
    const ready = nats && checks.every((c) => c.status === 'up');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', nats: nats ? 'up' : 'down', services: checks });
  });
}
