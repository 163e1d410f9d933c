import { z } from 'zod';

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
export function problems(...statuses: Array<400 | 401 | 403 | 404 | 409 | 423 | 503>) {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema])) as Record<number, typeof ProblemSchema>;
}

export const bearer = [{ bearerAuth: [] }];
