import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import { z } from 'zod';
import type { ActionName, ParamsOf } from '@um/contracts';
import { call } from '@um/platform';
import { callOptions } from '../plugins/auth.js';

/** RFC 9457 problem, as documented in the OpenAPI description. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

/** The error statuses a route can answer, each documented as a problem. */
export function problems(...statuses: Array<400 | 401 | 403 | 404 | 409 | 423 | 429 | 503>) {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema])) as Record<number, typeof ProblemSchema>;
}

export const bearer = [{ bearerAuth: [] }];

/**
 * The handler of a route that is one service action: params built from the request, the answer
 * sent with `status` (204 sends no body).
 */
export function forward<A extends ActionName>(
  broker: ServiceBroker,
  action: A,
  toParams: (request: FastifyRequest) => ParamsOf<A>,
  status: 200 | 201 | 204 = 200,
) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await call(broker, action, toParams(request), callOptions(request));
    return status === 204 ? reply.code(204).send(null) : reply.code(status).send(result);
  };
}
