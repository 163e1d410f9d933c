/**
 * What the gateway itself answers on /scim/v2: the token's scope before anything is read, the SCIM
 * rules (filter, PATCH, User mapping) before any service is called, and every refusal as a SCIM
 * error object in the request's language, while /api/v1 keeps its problems.
 */
import type { FastifyInstance } from 'fastify';
import { SCIM_CORE_USER, SCIM_EXTENSION_USER, type UserView } from '@um/contracts';
import { EN, buildTestApp, type StandIn } from './support.js';

let app: FastifyInstance;
let calls: string[];
let send: StandIn['send'];

const TOKEN = 'scim-token-0000000000000000000000000000001';
const view: UserView = {
  personId: '5f0c9d3e8b1a2c3d4e5f6a7b',
  username: 'bjensen2026',
  firstName: 'Barbara',
  lastName: 'Jensen',
  language: 'en',
  emails: [],
  enterpriseNumber: EN,
  quality: 'employer',
  kind: 'user',
  status: 'active',
  accountStatus: 'active',
  applications: [],
  applicationGrants: [],
  validity: 'current',
};

beforeAll(async () => {
  ({ app, calls, send } = await buildTestApp({}, {
    'quality.authenticateScimToken': { tokenId: 'abc', enterpriseNumber: EN, type: 'employer' },
    'user-management.scimCreate': view,
  }));
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => {
  calls.length = 0;
});

const scim = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  send({
    method,
    url: `/scim/v2/${EN}/employer${path}`,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

function expectScimError(res: { statusCode: number; headers: Record<string, string>; body: string }, status: number, scimType?: string, code?: string) {
  const body = JSON.parse(res.body);
  expect({ status: res.statusCode, type: res.headers['content-type'] }).toEqual({ status, type: expect.stringContaining('application/scim+json') });
  expect(body.schemas).toContain('urn:ietf:params:scim:api:messages:2.0:Error');
  expect(body.status).toBe(String(status));
  expect(body.scimType).toBe(scimType);
  if (code) expect(body.detail).toContain(`[${code}]`);
  return body;
}

test('when no token comes, then 401 as a SCIM error with a Bearer challenge, and no service is asked', async () => {
  const res = await send({ method: 'GET', url: `/scim/v2/${EN}/employer/Users` });
  expectScimError(res, 401, undefined, 'UNAUTHENTICATED');
  expect(res.headers['www-authenticate']).toContain('Bearer');
  expect(calls).toEqual([]);
});

test("when the token is used on another quality's or enterprise's path, then 404 and user-management is not called", async () => {
  expectScimError(await send({ method: 'GET', url: `/scim/v2/${EN}/mandatary/Users`, headers: { authorization: `Bearer ${TOKEN}` } }), 404);
  expectScimError(await send({ method: 'GET', url: '/scim/v2/0202239951/employer/Users', headers: { authorization: `Bearer ${TOKEN}` } }), 404);
  expect(calls).toEqual(['quality.authenticateScimToken', 'quality.authenticateScimToken']);
});

test('when the filter is not supported, then 400 invalidFilter before any service is called', async () => {
  expectScimError(await scim('GET', `/Users?filter=${encodeURIComponent('userName co "j"')}`), 400, 'invalidFilter', 'INVALID_FILTER');
  expect(calls).toEqual(['quality.authenticateScimToken']);
});

test('when a PATCH changes a person-level attribute or is no PatchOp, then 400 mutability or invalidSyntax', async () => {
  const patchOp = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'userName', value: 'x' }] };
  expectScimError(await scim('PATCH', `/Users/${view.personId}`, patchOp), 400, 'mutability', 'SCIM_MUTABILITY');
  expectScimError(await scim('PATCH', `/Users/${view.personId}`, { Operations: [] }), 400, 'invalidSyntax');
  expectScimError(await scim('PATCH', `/Users/${view.personId}`, '{'), 400, 'invalidSyntax', 'MALFORMED_BODY');
  expect(calls.filter((c) => c.startsWith('user-management'))).toEqual([]);
});

test("when a created user breaks the registration's rules, then 400 invalidValue naming the SCIM attribute", async () => {
  const body = expectScimError(
    await scim('POST', '/Users', { schemas: [SCIM_CORE_USER], userName: 'bj', name: { givenName: 'B', familyName: 'J' }, [SCIM_EXTENSION_USER]: { niss: '12345678901' } }),
    400,
    'invalidValue',
  );
  const fields = body[`urn:be:socialsecurity:scim:schemas:extension:um:2.0:Error`].errors.map((e: { field: string }) => e.field);
  expect(fields).toEqual(expect.arrayContaining([`${SCIM_EXTENSION_USER}:niss`, 'userName']));
  expect(calls.filter((c) => c.startsWith('user-management'))).toEqual([]);
});

test('when a valid user is posted, then 201 application/scim+json with its Location', async () => {
  const res = await scim('POST', '/Users', { schemas: [SCIM_CORE_USER], userName: 'BJensen2026', name: { givenName: 'Barbara', familyName: 'Jensen' }, [SCIM_EXTENSION_USER]: { niss: '85073003328' } });
  expect(res.statusCode).toBe(201);
  expect(res.headers['content-type']).toContain('application/scim+json');
  expect(res.headers.location).toMatch(new RegExp(`/scim/v2/${EN}/employer/Users/${view.personId}$`));
  expect(JSON.parse(res.body)).toEqual(expect.objectContaining({ id: view.personId, userName: 'bjensen2026', active: true }));
  expect(calls).toEqual(['quality.authenticateScimToken', 'user-management.scimCreate']);
});

test('when Dutch is asked, then the detail is Dutch and the code the same', async () => {
  const body = expectScimError(await scim('GET', `/Users?filter=${encodeURIComponent('title pr')}`, undefined, { 'accept-language': 'nl' }), 400, 'invalidFilter', 'INVALID_FILTER');
  expect(body.detail).toContain('filter wordt niet ondersteund');
});

test('when an /api/v1 route refuses, then it is still a problem+json', async () => {
  const res = await send({ method: 'GET', url: `/api/v1/enterprises/${EN}/qualities/employer/scim-tokens` });
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(JSON.parse(res.body).code).toBe('UNAUTHENTICATED');
});
