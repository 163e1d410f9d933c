/** Quality level: details, local managers, co-local-managers, technical user. */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';

export function qualityRoutes(_app: FastifyInstance, _broker: ServiceBroker): void {}
