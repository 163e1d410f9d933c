/**
 * The OpenAPI description is one an integrator can generate a client from: this fails when any
 * operation lacks an operationId (stable, camelCase, unique), a described response, or error
 * answers declared as problem+json with a `code` enum; when a tag is not listed; or without servers.
 */
import type { FastifyInstance } from 'fastify';
import { ErrorCodes, type ErrorCode } from '@um/contracts';
import { routeRule } from '@um/domain';
// support first: it replaces @fastify/swagger-ui before openapi.ts loads it.
import { buildTestApp, type StandIn } from './support.js';
import { operationIdOf } from '../../src/openapi.js';

let app: FastifyInstance;
let send: StandIn['send'];
let doc: any;

interface Op {
  key: string;
  op: any;
}
let operations: Op[] = [];

beforeAll(async () => {
  ({ app, send } = await buildTestApp());
  doc = JSON.parse((await send({ method: 'GET', url: '/docs/json' })).body);
  operations = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );
});
afterAll(async () => {
  await app.close();
});

const codesOf = (op: any, status: string): ErrorCode[] => op.responses[status]?.content?.['application/problem+json']?.schema?.allOf?.[1]?.properties?.code?.enum ?? [];

test('when the description is read, then it lists the API routes, its tags with descriptions and its servers', () => {
  expect(operations.length).toBeGreaterThan(40);
  expect(doc.servers?.length).toBeGreaterThan(0);
  const listed = new Map((doc.tags as Array<{ name: string; description?: string }>).map((t) => [t.name, t.description]));
  const used = new Set(operations.flatMap(({ op }) => op.tags ?? []));
  for (const tag of used) expect({ tag, description: listed.get(tag) }).toEqual({ tag, description: expect.stringMatching(/\w/) });
  expect(doc.components.schemas.Problem.properties.code.enum).toEqual(Object.keys(ErrorCodes).sort());
});

test('when any operation is read, then it has a camelCase operationId, unique, a tag, and every response described', () => {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  for (const { key, op } of operations) {
    if (typeof op.operationId !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(op.operationId)) problems.push(`${key}: operationId ${op.operationId}`);
    if (ids.has(op.operationId)) problems.push(`${key}: operationId ${op.operationId} also on ${ids.get(op.operationId)}`);
    ids.set(op.operationId, key);
    if (!op.tags?.length) problems.push(`${key}: no tag`);
    for (const [status, response] of Object.entries<any>(op.responses)) {
      if (!response.description || response.description === 'Default Response') problems.push(`${key} ${status}: no description`);
    }
  }
  expect(problems).toEqual([]);
});

test('when any operation is read, then each error answer is problem+json only, its code an enum of codes of that status, with the generic ones', () => {
  const problems: string[] = [];
  for (const { key, op } of operations) {
    const statuses = Object.keys(op.responses).filter((s) => Number(s) >= 400);
    for (const status of statuses) {
      const content = Object.keys(op.responses[status].content ?? {});
      if (content.join() !== 'application/problem+json') problems.push(`${key} ${status}: content ${content.join()}`);
      const codes = codesOf(op, status);
      if (codes.length === 0) problems.push(`${key} ${status}: no code enum`);
      for (const code of codes) if (ErrorCodes[code] !== Number(status)) problems.push(`${key} ${status}: ${code} is ${ErrorCodes[code]}`);
    }
    const all = statuses.flatMap((s) => codesOf(op, s));
    for (const generic of ['INTERNAL', 'SERVICE_UNAVAILABLE', 'INVALID_URL'] as ErrorCode[]) if (!all.includes(generic)) problems.push(`${key}: lacks ${generic}`);
    const [method = '', path = ''] = key.split(' ');
    const open = routeRule(method, path.replace(/^\/api\/v1/, ''))?.auth === 'none';
    if (!open && !all.includes('UNAUTHENTICATED')) problems.push(`${key}: lacks UNAUTHENTICATED`);
    if (!key.startsWith('GET') && !['MALFORMED_BODY', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'].every((c) => all.includes(c as ErrorCode))) problems.push(`${key}: lacks the body codes`);
    if (key.includes('{') && !all.includes('URI_TOO_LONG')) problems.push(`${key}: lacks URI_TOO_LONG`);
  }
  expect(problems).toEqual([]);
});

test("when a route's schemas or handler answer their own codes, then its enum has them", () => {
  const op = (key: string) => operations.find((o) => o.key === key)!.op;
  const onboard = op('POST /api/v1/admin/enterprises');
  expect(codesOf(onboard, '400')).toEqual(expect.arrayContaining(['NISS_INVALID', 'ENTERPRISE_NUMBER_INVALID', 'PASSWORD_POLICY', 'USERNAME_POLICY', 'UNKNOWN_FIELD']));
  expect(codesOf(onboard, '409')).toEqual(expect.arrayContaining(['ENTERPRISE_EXISTS', 'USERNAME_TAKEN']));
  expect(codesOf(onboard, '403')).toEqual(['FORBIDDEN', 'ROLE_NOT_CHOSEN']);
  const deleteChannel = op('DELETE /api/v1/enterprises/{enterpriseNumber}/batch-channels/{channelId}');
  expect(codesOf(deleteChannel, '403')).toContain('CHANNEL_USED_BY_OTHER_QUALITY');
  expect(codesOf(deleteChannel, '409')).toEqual(['CHANNEL_NOT_DELETABLE']);
  expect(codesOf(op('POST /api/v1/auth/login'), '401')).toEqual(['INVALID_CREDENTIALS']);
  expect(codesOf(op('GET /api/v1/me'), '403')).toEqual([]);
});

test('when operation ids are derived, then they read as verb and nouns', () => {
  expect(operationIdOf('get', '/api/v1/enterprises/{enterpriseNumber}/qualities/{type}/users')).toBe('listEnterpriseQualityUsers');
  expect(operationIdOf('GET', '/api/v1/enterprises/:enterpriseNumber/qualities/:type/users/:personId')).toBe('getEnterpriseQualityUser');
  expect(operationIdOf('post', '/api/v1/enterprises/{enterpriseNumber}/co-access-managers')).toBe('createEnterpriseCoAccessManager');
  expect(operationIdOf('post', '/api/v1/enterprises/{enterpriseNumber}/co-access-managers/{personId}/block')).toBe('blockEnterpriseCoAccessManager');
  expect(operationIdOf('put', '/api/v1/me/password')).toBe('setMePassword');
  expect(operationIdOf('post', '/api/v1/auth/login')).toBe('login');
});
