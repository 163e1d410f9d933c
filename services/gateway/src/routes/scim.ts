/**
 * SCIM 2.0 (RFC 7643/7644) for HR systems, beside /api/v1: `/scim/v2/{en}/{type}/Users`,
 * `ServiceProviderConfig`, `ResourceTypes` and `Schemas`. A request authenticates with a SCIM
 * token of that enterprise's quality (the quality service says whose it is, on every request: a
 * revoked token is refused at once) and acts as a `scim-client` principal scoped to exactly that
 * quality, which user-management authorises like any other role and audits with the token as actor.
 * Answers are `application/scim+json`; errors are SCIM error objects (converted from the product's
 * problems in one onSend hook, so every refusal — authentication, validation, a service's — has
 * that shape, with the stable code kept in `detail` and in an extension).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodError } from 'zod';
import {
  ObjectId,
  RegisterUserBody,
  SCIM_ATTRIBUTE_OF,
  SCIM_ERROR,
  SCIM_ERROR_EXTENSION,
  SCIM_LIST,
  SCIM_MAX_COUNT,
  SCIM_MEDIA_TYPE,
  SCIM_PATCH_OP,
  ScimUserInput,
  registrationOf,
  scimUserOf,
  type ErrorCode,
  type FieldError,
  type Problem,
  type UserView,
} from '@um/contracts';
import { parseScimFilter, readScimPatch, type QualityType, type ScimType } from '@um/domain';
import { ClientProblem, call, fieldErrors, validationProblem } from '@um/platform';
import { callOptions } from '../plugins/auth.js';
import { schemas, serviceProviderConfig, userResourceType } from './scim-discovery.js';

export const SCIM_PREFIX = '/scim/v2';

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,200})$/;

/** The scimType a refusal carries, when the route knows it better than the code does (PATCH, filter). */
const scimTypes = new WeakMap<FastifyRequest, ScimType>();

/** RFC 7644 §3.12: the scimType of a 400 or 409, from the product's stable code. */
function scimTypeOf(code: string, status: number): string | undefined {
  if (status === 409) return 'uniqueness';
  if (status !== 400) return undefined;
  if (code === 'INVALID_FILTER') return 'invalidFilter';
  if (code === 'SCIM_MUTABILITY') return 'mutability';
  if (code === 'MALFORMED_BODY') return 'invalidSyntax';
  return 'invalidValue';
}

/** A refusal of a SCIM rule (libs/domain) as a problem with its scimType. */
function scimRefusal(request: FastifyRequest, scimType: ScimType, detail: string): ClientProblem {
  scimTypes.set(request, scimType);
  const code: ErrorCode = scimType === 'invalidFilter' ? 'INVALID_FILTER' : scimType === 'mutability' ? 'SCIM_MUTABILITY' : 'VALIDATION_FAILED';
  return new ClientProblem(code, detail);
}

/**
 * Every problem answered under /scim/v2 (its own routes, unknown paths, authentication) leaves as a
 * SCIM error object of the same status and language.
 */
export function registerScimErrors(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith(`${SCIM_PREFIX}/`)) return payload;
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.startsWith('application/problem+json') || typeof payload !== 'string') return payload;
    const problem = JSON.parse(payload) as Problem;
    const scimType = scimTypes.get(request) ?? scimTypeOf(problem.code, problem.status);
    reply.type(SCIM_MEDIA_TYPE);
    return JSON.stringify({
      schemas: [SCIM_ERROR, SCIM_ERROR_EXTENSION],
      status: String(problem.status),
      ...(scimType ? { scimType } : {}),
      detail: `${problem.detail ?? problem.title} [${problem.code}]`,
      [SCIM_ERROR_EXTENSION]: {
        code: problem.code,
        title: problem.title,
        ...(problem.requestId ? { requestId: problem.requestId } : {}),
        ...(problem.errors ? { errors: problem.errors } : {}),
      },
    });
  });
}

/** Field errors of the registration body, named by the SCIM attributes they came from. */
function asScimFields(error: ZodError): FieldError[] {
  return fieldErrors(error).map((e) => {
    const [head = '', ...rest] = e.field.split('.');
    const attribute = SCIM_ATTRIBUTE_OF[head];
    return attribute ? { ...e, field: [attribute, ...rest].join('.') } : e;
  });
}

type Scope = { enterpriseNumber: string; type: QualityType };

export async function scimRoutes(app: FastifyInstance, broker: ServiceBroker): Promise<void> {
  // SCIM clients send application/scim+json (and some application/json): both are JSON here.
  app.addContentTypeParser(SCIM_MEDIA_TYPE, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'ignore'));

  const scopeOf = (request: FastifyRequest): Scope => {
    const { enterpriseNumber, type } = request.params as Scope;
    return { enterpriseNumber, type };
  };

  // Authentication before anything is read: the token names its enterprise and quality, and the
  // path must be that one (another one is not found: its existence is not revealed).
  app.addHook('onRequest', async (request, reply) => {
    const match = BEARER.exec(request.headers.authorization ?? '');
    const refuse = (detail: string) => {
      reply.header('www-authenticate', 'Bearer realm="scim"');
      throw new ClientProblem('UNAUTHENTICATED', detail);
    };
    if (!match?.[1]) return refuse('a SCIM bearer token is required');
    let identity;
    try {
      identity = await call(broker, 'quality.authenticateScimToken', { token: match[1] }, { requestID: request.id, meta: { sourceIp: request.ip } });
    } catch (err) {
      if ((err as { type?: string }).type === 'UNAUTHENTICATED') return refuse('the SCIM token is unknown or revoked');
      throw err;
    }
    const { enterpriseNumber, type } = scopeOf(request);
    if (identity.enterpriseNumber !== enterpriseNumber || identity.type !== type) throw new ClientProblem('NOT_FOUND', 'not found');
    const id = `scim-token:${identity.tokenId}`;
    request.principal = { personId: id, sessionId: id, role: { id, kind: 'scim-client', enterpriseNumber, quality: type as QualityType } };
  });

  const base = (request: FastifyRequest) => {
    const { enterpriseNumber, type } = scopeOf(request);
    return `${request.protocol}://${request.host}${SCIM_PREFIX}/${enterpriseNumber}/${type}`;
  };
  const send = (reply: FastifyReply, status: number, body: unknown) => reply.code(status).type(SCIM_MEDIA_TYPE).send(body);
  const listOf = (resources: unknown[], total = resources.length, startIndex = 1) => ({
    schemas: [SCIM_LIST],
    totalResults: total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  });
  const asUser = (request: FastifyRequest, user: UserView) => scimUserOf(user, `${base(request)}/Users/${user.personId}`);
  /** The id of the path: a person id, else no user of this quality has it (404, never 400). */
  const personIdOf = (request: FastifyRequest): string => {
    const id = (request.params as { id: string }).id;
    if (!ObjectId.safeParse(id).success) throw new ClientProblem('NOT_FOUND', 'user not found');
    return id;
  };
  const intOf = (request: FastifyRequest, name: string, value: unknown): number | undefined => {
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string' || !/^-?\d{1,9}$/.test(value)) throw scimRefusal(request, 'invalidValue', `${name} must be an integer`);
    return Number(value);
  };

  // The path's enterprise and quality are the token's (checked above): nothing else to validate in them.
  const root = '/:enterpriseNumber/:type';
  const scoped = { schema: { hide: true } };

  app.get(`${root}/ServiceProviderConfig`, scoped, async (request, reply) => send(reply, 200, serviceProviderConfig(base(request))));
  app.get(`${root}/ResourceTypes`, scoped, async (request, reply) => send(reply, 200, listOf([userResourceType(base(request))])));
  app.get(`${root}/ResourceTypes/:id`, scoped, async (request, reply) => {
    if ((request.params as { id: string }).id !== 'User') throw new ClientProblem('NOT_FOUND', 'resource type not found');
    return send(reply, 200, userResourceType(base(request)));
  });
  app.get(`${root}/Schemas`, scoped, async (request, reply) => send(reply, 200, listOf(schemas(base(request)))));
  app.get(`${root}/Schemas/:id`, scoped, async (request, reply) => {
    const found = schemas(base(request)).find((s) => s.id === (request.params as { id: string }).id);
    if (!found) throw new ClientProblem('NOT_FOUND', 'schema not found');
    return send(reply, 200, found);
  });

  app.post(`${root}/Users`, scoped, async (request, reply) => {
    const input = ScimUserInput.safeParse(request.body);
    if (!input.success) throw validationProblem(fieldErrors(input.error));
    const { body, externalId, active } = registrationOf(input.data);
    const checked = RegisterUserBody.safeParse(body);
    if (!checked.success) throw validationProblem(asScimFields(checked.error));
    const user = await call(broker, 'user-management.scimCreate', { ...scopeOf(request), body: checked.data, active, ...(externalId ? { externalId } : {}) }, callOptions(request));
    const resource = asUser(request, user);
    reply.header('location', resource.meta.location);
    return send(reply, 201, resource);
  });

  app.get(`${root}/Users`, scoped, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    let filter;
    if (query.filter !== undefined) {
      if (typeof query.filter !== 'string') throw scimRefusal(request, 'invalidFilter', 'one filter only');
      const parsed = parseScimFilter(query.filter);
      if (!parsed.ok) throw scimRefusal(request, parsed.scimType, parsed.detail);
      filter = parsed.value;
    }
    // RFC 7644 §3.4.2.4: startIndex below 1 is 1; a negative count is 0; above the maximum, the maximum.
    const startIndex = Math.max(1, intOf(request, 'startIndex', query.startIndex) ?? 1);
    const count = Math.min(SCIM_MAX_COUNT, Math.max(0, intOf(request, 'count', query.count) ?? SCIM_MAX_COUNT));
    // An id that is no person id matches nobody (the store is not asked).
    if (filter?.attribute === 'id' && !ObjectId.safeParse(filter.value).success) return send(reply, 200, listOf([], 0, startIndex));
    const page = await call(broker, 'user-management.scimList', { ...scopeOf(request), ...(filter ? { filter } : {}), startIndex, count }, callOptions(request));
    return send(reply, 200, listOf(page.items.map((u) => asUser(request, u)), page.total, startIndex));
  });

  app.get(`${root}/Users/:id`, scoped, async (request, reply) => {
    const user = await call(broker, 'user-management.scimGet', { ...scopeOf(request), personId: personIdOf(request) }, callOptions(request));
    return send(reply, 200, asUser(request, user));
  });

  app.patch(`${root}/Users/:id`, scoped, async (request, reply) => {
    const personId = personIdOf(request);
    const body = request.body as { schemas?: unknown; Operations?: unknown } | undefined;
    if (!body || typeof body !== 'object' || !Array.isArray(body.schemas) || !body.schemas.includes(SCIM_PATCH_OP) || !Array.isArray(body.Operations)) {
      throw scimRefusal(request, 'invalidSyntax', `a PatchOp message: {"schemas":["${SCIM_PATCH_OP}"],"Operations":[…]}`);
    }
    if (body.Operations.length > 20) throw scimRefusal(request, 'invalidValue', 'at most 20 operations');
    const read = readScimPatch(body.Operations as never[]);
    if (!read.ok) throw scimRefusal(request, read.scimType, read.detail);
    const user = await call(broker, 'user-management.scimPatch', { ...scopeOf(request), personId, changes: read.value }, callOptions(request));
    return send(reply, 200, asUser(request, user));
  });

  app.delete(`${root}/Users/:id`, scoped, async (request, reply) => {
    await call(broker, 'user-management.scimRemove', { ...scopeOf(request), personId: personIdOf(request) }, callOptions(request));
    return reply.code(204).send();
  });
}
