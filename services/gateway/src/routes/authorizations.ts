/** The check secure applications call before opening. */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';

export function authorizationRoutes(_app: FastifyInstance, _broker: ServiceBroker): void {}
