/** Users of a quality and enterprise-wide search. */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';

export function userRoutes(_app: FastifyInstance, _broker: ServiceBroker): void {}
