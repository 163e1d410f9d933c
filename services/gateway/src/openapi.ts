/**
 * The OpenAPI description an integrator generates a client from: every operation has a stable
 * camelCase `operationId` (derived from its method and path), described responses, and its error
 * answers declared as `application/problem+json` whose `code` is an enum of the codes that
 * operation can answer. Those codes come from tables, not from each route: the transport codes
 * every route of its shape answers (body, path parameters, session, role), the rule codes its zod
 * schemas carry (found by probing them), and the codes its handler throws, by capability of the
 * rights table (libs/domain) or by route.
 */
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorCodes, isErrorCode, type ErrorCode } from '@um/contracts';
import { routeRule, routeShape, type CapabilityName } from '@um/domain';

export const API_PREFIX = '/api/v1';

/** Tags, in the order the UI lists them. An operation with a tag missing here fails the OpenAPI test. */
export const TAGS: Array<{ name: string; description: string }> = [
  { name: 'sessions', description: 'Log in (password or certificate), choose a role, log out' },
  { name: 'self-service', description: 'Own data, password and personal certificate (any session)' },
  { name: 'applications', description: 'The check secure applications call before opening' },
  { name: 'enterprise', description: 'Enterprise details, qualities, mandates and audit trail (access managers)' },
  { name: 'co-access-managers', description: 'Co-access-managers of an enterprise (its access manager)' },
  { name: 'quality', description: 'A quality of an enterprise: details, local manager, technical user' },
  { name: 'co-local-managers', description: 'Co-local-managers of a quality' },
  { name: 'users', description: 'Users of a quality and the enterprise-wide search' },
  { name: 'scim', description: "A quality's SCIM tokens, with which an HR system provisions its users over SCIM 2.0 at /scim/v2/{enterpriseNumber}/{type} (docs/scim.md)" },
  { name: 'batch-channels', description: "The enterprise's batch channels (senders directory)" },
  { name: 'routing', description: 'Routing rules of structured messages: recipient and channel per declaration type' },
  { name: 'structured-messages', description: 'Structured messages of a quality and their status' },
  { name: 'events', description: "Webhooks: the enterprise's administrative events POSTed, signed, to a receiver of its own (access managers)" },
  { name: 'persons', description: 'Look a person up by NISS before adding them to an enterprise' },
  { name: 'catalogue', description: 'Qualities, applications, declaration types and role kinds with their labels in four languages (no login)' },
  { name: 'contact centre', description: 'Back office: onboarding, access managers, mandates' },
];

/** What a successful answer is, by status. */
const SUCCESS: Record<number, string> = {
  200: 'Done: the object as it is now',
  201: 'Created: the new object, with its id',
  204: 'Done: no body',
};

/** What an error answer means, by status (PRODUCT.md §5). */
const FAILURE: Record<number, string> = {
  400: 'Bad input: `errors[]` names each offending field; nothing changed',
  401: 'No session: the bearer token is missing, unknown, expired or ended, or the credentials are wrong',
  403: 'Authenticated, but the chosen role may not do this (or no role is chosen yet)',
  404: 'Not found, or outside the role’s enterprise (its existence is not revealed)',
  408: 'The request did not arrive in time',
  409: 'Conflict with the current state (duplicate, already active, …)',
  413: 'The body is larger than the gateway accepts',
  414: 'A path parameter is longer than 100 characters',
  415: 'The body is not of a media type this operation accepts',
  423: 'The account is blocked or locked',
  429: 'Too many attempts: retry after `Retry-After` seconds',
  431: 'The request line and headers are larger than the gateway accepts',
  500: 'Unexpected error (details are in the logs, under the request id)',
  503: 'A service or the store is unavailable: retry shortly',
};

/** Every zod rule failure and bad-request answer a route with input can give. */
const INPUT: ErrorCode[] = ['VALIDATION_FAILED', 'UNKNOWN_FIELD', 'WRONG_TYPE', 'UNKNOWN_VALUE', 'OUT_OF_RANGE', 'INVALID_FORMAT'];
/** Answered when a body is sent (Fastify parses bodies of every method but GET and HEAD). */
const BODY: ErrorCode[] = ['MALFORMED_BODY', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];
/** Registering or designating a person by NISS (identity's registration). */
const PERSON: ErrorCode[] = ['USERNAME_TAKEN', 'NISS_TAKEN', 'ALREADY_MEMBER', 'PERSON_MISMATCH', 'CONFLICT', 'VALIDATION_FAILED'];
/** Changing a person's own data (names, password, account) when they hold roles elsewhere (product §7.1). */
const PERSON_LEVEL: ErrorCode[] = ['PERSON_OUTSIDE_SCOPE'];
const APPLICATION_QUERY: ErrorCode[] = ['APPLICATION_NEEDS_QUALITY', 'APPLICATION_NOT_IN_CATALOGUE'];
const CERTIFICATE: ErrorCode[] = ['CERTIFICATE_MALFORMED', 'CERTIFICATE_EXPIRED', 'CERTIFICATE_NOT_YET_VALID', 'CERTIFICATE_NOT_CLIENT_AUTH'];

/** The codes the owning service throws on a change (not GET), by the capability the rights table gives the route. */
const CHANGE_BY_CAPABILITY: Partial<Record<CapabilityName, ErrorCode[]>> = {
  'quality.activate': ['QUALITY_NOT_ELIGIBLE', 'QUALITY_ALREADY_ACTIVE', ...PERSON],
  'quality.local-manager.designate': PERSON,
  'co-access-managers.manage': [...PERSON, ...PERSON_LEVEL, 'VALIDITY_WINDOW_INVALID'],
  'users.manage': [...PERSON, ...PERSON_LEVEL, 'APPLICATION_NOT_IN_CATALOGUE', 'VALIDITY_WINDOW_INVALID'],
  'co-local-managers.manage': [...PERSON, ...PERSON_LEVEL, 'VALIDITY_WINDOW_INVALID'],
  'technical-user.designate': [...PERSON, 'APPLICATION_NOT_IN_CATALOGUE'],
  'quality.details': ['REGISTRY_IDENTIFIER_CONTACT_CENTRE_ONLY'],
  'admin.qualities.registry': ['CONFLICT'],
  'admin.mandates.end': ['CONFLICT'],
  'admin.persons.reset-password': ['CONFLICT'],
  'routing.manage': ['NO_VALID_MANDATE', 'CHANNEL_NOT_OWNED', 'RECIPIENT_MANAGERS_ONLY', 'ROUTING_RULE_NOT_SET', 'MANDATARY_UNKNOWN'],
  'batch-channels.manage': ['CHANNEL_NOT_DELETABLE', 'CHANNEL_USED_BY_OTHER_QUALITY'],
  'admin.enterprises.onboard': ['ENTERPRISE_EXISTS', ...PERSON],
  'admin.access-manager.replace': PERSON,
  'admin.mandates.register': ['MANDATARY_UNKNOWN', 'CONFLICT'],
  'webhooks.manage': ['WEBHOOK_URL_REFUSED', 'WEBHOOK_LIMIT_REACHED'],
};

/** The codes of routes whose handler throws more than (or other than) their capability's. */
const BY_ROUTE: Record<string, ErrorCode[]> = {
  'POST /auth/login': ['INVALID_CREDENTIALS', 'ACCOUNT_BLOCKED', 'ACCOUNT_LOCKED', 'TOO_MANY_ATTEMPTS', 'RATE_LIMITED'],
  // Throttled per source address only (nothing to guess per account): 429, never 423 ACCOUNT_LOCKED.
  'POST /auth/login/certificate': ['CERTIFICATE_REQUIRED', 'CERTIFICATE_REJECTED', 'CERTIFICATE_MALFORMED', 'ACCOUNT_BLOCKED', 'TOO_MANY_ATTEMPTS'],
  'POST /auth/session/role': ['NOT_FOUND', 'ROLE_NOT_CURRENT'],
  'GET /authorizations/check': APPLICATION_QUERY,
  'GET /enterprises/{enterpriseNumber}/users': APPLICATION_QUERY,
  'GET /enterprises/{enterpriseNumber}/qualities/{type}/users': APPLICATION_QUERY,
  'PATCH /me': ['CONFLICT'],
  'PUT /me/password': ['CURRENT_PASSWORD_WRONG', 'PASSWORD_REUSED', 'ACCOUNT_LOCKED', 'CONFLICT'],
  'PUT /me/certificate': [...CERTIFICATE, 'CERTIFICATE_TAKEN'],
  'GET /me/certificate': ['NOT_FOUND'],
};

/** Readable names where the derived one would not be (a verb that is the path itself). */
const OPERATION_IDS: Record<string, string> = {
  'POST /auth/login': 'login',
  'POST /auth/login/certificate': 'loginWithCertificate',
  'POST /auth/session/role': 'chooseRole',
  'POST /auth/logout': 'logout',
  'GET /authorizations/check': 'checkAuthorization',
};

/** Path segments that are the operation's verb (`…/{personId}/block`). */
const VERB_SEGMENTS = new Set(['block', 'unblock']);

const camel = (words: string[]) =>
  words
    .flatMap((w) => w.split(/[-_ ]/))
    .filter(Boolean)
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
const singular = (word: string) => (word.endsWith('ies') ? `${word.slice(0, -3)}y` : word.endsWith('s') ? word.slice(0, -1) : word);
const isParam = (segment: string) => segment.startsWith('{') || segment.startsWith(':');

/**
 * The operation id of a route: an override, else the verb of its method (list/get, create, set,
 * update, delete, or a verb segment) and its static segments, a segment naming one object
 * (followed by its id) in the singular: `GET /enterprises/{en}/qualities/{type}/users` →
 * `listEnterpriseQualityUsers`.
 */
export function operationIdOf(method: string, path: string): string {
  const key = routeKey(method, path);
  const override = Object.entries(OPERATION_IDS).find(([k]) => routeShape(...(k.split(' ') as [string, string])) === routeShape(...(key.split(' ') as [string, string])));
  if (override) return override[1];
  const segments = key.slice(key.indexOf(' ') + 1).split('/').filter(Boolean);
  const last = segments[segments.length - 1] ?? '';
  const nouns = segments.flatMap((segment, i) => (isParam(segment) ? [] : [isParam(segments[i + 1] ?? '') ? singular(segment) : segment]));
  if (VERB_SEGMENTS.has(last)) return camel([last, ...nouns.slice(0, -1)]);
  const m = method.toUpperCase();
  const collection = !isParam(last) && last.endsWith('s');
  const verb =
    m === 'GET' ? (collection ? 'list' : 'get') : m === 'POST' ? 'create' : m === 'PUT' ? 'set' : m === 'PATCH' ? 'update' : m === 'DELETE' ? 'delete' : m.toLowerCase();
  // A new object of a collection is one object: `createEnterpriseCoAccessManager`.
  const named = m === 'POST' && collection ? [...nouns.slice(0, -1), singular(last)] : nouns;
  return camel([verb, ...named]);
}

/** `METHOD /path` without the API prefix, parameters as in the document (`{name}`). */
function routeKey(method: string, path: string): string {
  const bare = path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : path;
  return `${method.toUpperCase()} ${bare.replace(/:([A-Za-z]+)/g, '{$1}')}`;
}

/**
 * The rule codes a zod schema's own checks answer (NISS_INVALID, PASSWORD_POLICY, …), found by
 * parsing a few hopeless values at every node: a rule added to a field is documented without a
 * table to keep in step.
 */
export function ruleCodesOf(schema: unknown): Set<ErrorCode> {
  const codes = new Set<ErrorCode>();
  const seen = new Set<unknown>();
  const probes: unknown[] = ['', ' ', 'x', '0', '@', 'a'.repeat(300), {}, []];
  const visit = (node: unknown): void => {
    if (!(node instanceof z.ZodType) || seen.has(node)) return;
    seen.add(node);
    for (const probe of probes) {
      const result = node.safeParse(probe);
      if (result.success) continue;
      for (const issue of result.error.issues) {
        const code = (issue as { params?: { code?: unknown } }).params?.code;
        if (isErrorCode(code)) codes.add(code);
      }
    }
    const def = (node as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    for (const key of ['innerType', 'element', 'in', 'out', 'left', 'right', 'valueType', 'keyType']) visit(def[key]);
    for (const option of (def.options as unknown[] | undefined) ?? []) visit(option);
    const shape = def.shape as Record<string, unknown> | undefined;
    for (const child of Object.values(shape ?? {})) visit(child);
  };
  visit(schema);
  return codes;
}

interface RouteFacts {
  method: string;
  url: string;
  hasBody: boolean;
  hasParams: boolean;
  hasQuery: boolean;
  zodSchemas: unknown[];
}

/** The codes an operation can answer: its shape's, its schemas' rules, its handler's. */
export function problemCodesOf(route: RouteFacts): ErrorCode[] {
  const key = routeKey(route.method, route.url);
  const [method, path] = key.split(' ') as [string, string];
  const rule = routeRule(method, path);
  // Any request: a bad path, the HTTP parser's refusals, a failure.
  const codes = new Set<ErrorCode>(['INVALID_URL', 'MALFORMED_REQUEST', 'REQUEST_TIMEOUT', 'HEADERS_TOO_LARGE', 'INTERNAL', 'SERVICE_UNAVAILABLE']);
  const add = (list: Iterable<ErrorCode>) => {
    for (const code of list) codes.add(code);
  };
  if (route.hasBody || route.hasParams || route.hasQuery) add(INPUT);
  if (method !== 'GET' && method !== 'HEAD') add(BODY);
  if (route.hasParams) add(['URI_TOO_LONG']);
  if (rule?.auth === 'session' || rule?.auth === 'role') add(['UNAUTHENTICATED']);
  // A person whose password the contact centre reset may only change it (product §7.2).
  if ((rule?.auth === 'session' || rule?.auth === 'role') && !['PUT /me/password', 'POST /auth/logout'].includes(`${method} ${path}`)) add(['PASSWORD_CHANGE_REQUIRED']);
  if (rule?.auth === 'role') add(['ROLE_NOT_CHOSEN', 'FORBIDDEN', 'NOT_FOUND']);
  for (const schema of route.zodSchemas) add(ruleCodesOf(schema));
  if (rule?.capability && method !== 'GET') add(CHANGE_BY_CAPABILITY[rule.capability] ?? []);
  add(Object.entries(BY_ROUTE).find(([k]) => routeShape(...(k.split(' ') as [string, string])) === routeShape(method, path))?.[1] ?? []);
  return [...codes].sort();
}

type Operation = {
  operationId?: string;
  tags?: string[];
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
  'x-problem-codes'?: ErrorCode[];
};

/** Where each operation's problem codes wait between `transform` (per route) and `transformObject`. */
const CODES_KEY = 'x-problem-codes';

function problemResponse(status: number, codes: ErrorCode[]) {
  return {
    description: FAILURE[status] ?? 'Error',
    content: {
      'application/problem+json': {
        schema: {
          allOf: [{ $ref: '#/components/schemas/Problem' }, { type: 'object', properties: { status: { type: 'integer', enum: [status] }, code: { type: 'string', enum: codes } } }],
        },
      },
    },
  };
}

/** The whole description made into what PRODUCT.md and issue 16 ask (see the file's comment). */
function finish(document: Record<string, unknown>): Record<string, unknown> {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) continue;
      operation.operationId ??= operationIdOf(method, path);
      const codes = operation[CODES_KEY] ?? [];
      delete operation[CODES_KEY];
      const responses: NonNullable<Operation['responses']> = {};
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (Number(status) >= 400) continue;
        responses[status] = { ...response, description: response.description && response.description !== 'Default Response' ? response.description : (SUCCESS[Number(status)] ?? 'Success') };
      }
      const byStatus = new Map<number, ErrorCode[]>();
      for (const code of codes) byStatus.set(ErrorCodes[code], [...(byStatus.get(ErrorCodes[code]) ?? []), code]);
      for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) responses[String(status)] = problemResponse(status, list);
      operation.responses = responses;
    }
  }
  const components = (document.components ?? {}) as { schemas?: Record<string, unknown> };
  components.schemas = {
    ...components.schemas,
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details, with a stable machine code',
      required: ['type', 'title', 'status', 'code'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        code: { type: 'string', enum: Object.keys(ErrorCodes).sort() },
        detail: { type: 'string' },
        instance: { type: 'string' },
        requestId: { type: 'string' },
        errors: {
          type: 'array',
          items: { type: 'object', required: ['field', 'code', 'message'], properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  };
  return { ...document, components, tags: TAGS, servers: [{ url: '/', description: 'the gateway serving this description' }] };
}

/**
 * Registers @fastify/swagger with the transforms above and the UI at /docs, whose pages get
 * `docsCsp` (no `upgrade-insecure-requests`: over plain HTTP on another host than localhost it
 * would make the browser fetch the UI's own scripts over HTTPS, and the page stays blank).
 */
export async function registerOpenApi(app: FastifyInstance, docsCsp: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'User Management',
        version: '1.0.0',
        description: 'Delegated access management: enterprises, access managers, local managers, users, applications and batch channels.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: (document) => {
      const result = jsonSchemaTransform(document);
      const { schema, route } = document;
      if (!schema || (result.schema as { hide?: boolean } | undefined)?.hide) return result;
      const methods = [route.method].flat().filter((m) => m !== 'HEAD');
      const codes = problemCodesOf({
        method: methods[0] ?? 'GET',
        url: document.url,
        hasBody: schema.body !== undefined,
        hasParams: schema.params !== undefined,
        hasQuery: schema.querystring !== undefined,
        zodSchemas: [schema.body, schema.params, schema.querystring].filter(Boolean),
      });
      return { ...result, schema: { ...(result.schema as object), [CODES_KEY]: codes } } as typeof result;
    },
    transformObject: (document) => finish(jsonSchemaTransformObject(document) as Record<string, unknown>) as ReturnType<typeof jsonSchemaTransformObject>,
  });
  const docsHeaders: onRequestHookHandler = (_request, reply, done) => {
    reply.header('content-security-policy', docsCsp);
    done();
  };
  await app.register(swaggerUi, { routePrefix: '/docs', uiHooks: { onRequest: docsHeaders } });
}
