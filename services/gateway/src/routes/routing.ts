/** Batch channels, routing rules and structured messages. */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';

export function routingRoutes(_app: FastifyInstance, _broker: ServiceBroker): void {}
