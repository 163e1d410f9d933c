/** Self-service: /me, password, personal certificate (any session, no role needed). */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';

export function meRoutes(_app: FastifyInstance, _broker: ServiceBroker): void {}
