/**
 * SCIM 2.0 for HR systems, through the real gateway, services, NATS and store: a quality's manager
 * creates a SCIM token, and an HR system provisions the quality's users with it — requests built
 * from RFC 7644's examples (with this product's extension), filters built and answers checked by a
 * SCIM library from the npm registry (scimmy: its RFC 7643 User schema and its message classes).
 * Deactivation blocks the membership (the authorization check denies), deletion removes it; a token
 * reaches its own quality only; a revoked token is refused at once; bad payloads are SCIM errors.
 */
import SCIMMY from 'scimmy';
import { GOOD_PASSWORD, uniqueNiss, uniqueUsername } from '../support/fixtures';
import { startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const EXT = 'urn:be:socialsecurity:scim:schemas:extension:um:2.0:User';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let sys: TestSystem;
let w: World;
let employerToken: { tokenId: string; token: string };
let mandataryToken: { tokenId: string; token: string };

const A = () => w.enterpriseA;
const api = (method: string, url: string, token: string | undefined, body?: unknown) => sys.api.request(method, url, { token, body });
const tokensOf = (quality: string) => `/enterprises/${A()}/qualities/${quality}/scim-tokens`;

interface ScimAnswer {
  status: number;
  type: string;
  location: string | null;
  body: any;
}

/** A request of an HR system to /scim/v2/{en}/{type}…, as SCIM clients send it. */
async function scim(method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<ScimAnswer> {
  const res = await fetch(`${sys.baseUrl}/scim/v2${path}`, {
    method,
    headers: {
      accept: 'application/scim+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', location: res.headers.get('location'), body: text ? JSON.parse(text) : undefined };
}
const users = (quality = 'employer', enterprise = A()) => `/${enterprise}/${quality}/Users`;

/** RFC 7644 §3.3's creation request, with the product's extension (NISS, applications) and a username within the policy. */
function rfcUser(overrides: Record<string, unknown> = {}) {
  return {
    schemas: [CORE, EXT],
    userName: uniqueUsername('bjensen'),
    externalId: `hr-${uniqueNiss()}`,
    name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
    emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
    preferredLanguage: 'nl-BE',
    password: GOOD_PASSWORD,
    [EXT]: { niss: uniqueNiss(), applications: ['dimona'] },
    ...overrides,
  };
}

/** The answer is a SCIM User by RFC 7643's schema (scimmy refuses a resource that breaks it). */
function expectScimUser(resource: any) {
  expect(() => new SCIMMY.Schemas.User(resource, 'out')).not.toThrow();
  expect(resource.schemas).toEqual([CORE, EXT]);
}

function expectScimError(answer: ScimAnswer, status: number, scimType?: string) {
  expect({ status: answer.status, type: answer.type }).toEqual({ status, type: expect.stringContaining('application/scim+json') });
  expect(answer.body).toEqual(expect.objectContaining({ schemas: expect.arrayContaining([ERROR]), status: String(status), detail: expect.any(String) }));
  if (scimType) expect(answer.body.scimType).toBe(scimType);
}

const filterOf = (attribute: string, value: string) => String(new SCIMMY.Types.Filter({ [attribute]: ['eq', value] }).expression);
const listOf = async (token: string, query: string, quality = 'employer') => {
  const answer = await scim('GET', `${users(quality)}?${query}`, token);
  expect(answer.status).toBe(200);
  expect(() => new SCIMMY.Messages.ListResponse(answer.body)).not.toThrow();
  return answer.body;
};
const auditTotal = async () => (await api('GET', `/enterprises/${A()}/audit?pageSize=1`, w.tokens.rae)).body.total as number;

beforeAll(async () => {
  sys = await startTestSystem();
  w = await buildWorld(sys.api);
  const created = await api('POST', tokensOf('employer'), w.tokens.glE, { label: 'HR system' });
  expect(created.status).toBe(201);
  employerToken = created.body;
  const other = await api('POST', tokensOf('mandatary'), w.tokens.glM, {});
  expect(other.status).toBe(201);
  mandataryToken = other.body;
});
afterAll(async () => {
  await sys?.shutdown();
});

describe('SCIM tokens', () => {
  test('when the GL creates a token, then it is shown once and the list has it without its secret', async () => {
    expect(employerToken).toEqual({ tokenId: expect.stringMatching(/^[0-9a-f]{24}$/), token: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/) });
    const list = await api('GET', tokensOf('employer'), w.tokens.rae);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(expect.arrayContaining([{ tokenId: employerToken.tokenId, label: 'HR system', createdAt: expect.any(String), createdBy: w.personIds.glE }]));
    expect(JSON.stringify(list.body)).not.toContain(employerToken.token);
  });

  test('when a co-GL, a user, another quality\'s GL or another enterprise\'s RAE manages the tokens, then 403 or 404 and nothing is created', async () => {
    expect((await api('POST', tokensOf('employer'), w.tokens.coGlE, {})).status).toBe(403);
    expect((await api('POST', tokensOf('employer'), w.tokens.userE, {})).status).toBe(403);
    expect((await api('GET', tokensOf('employer'), w.tokens.glM)).status).toBe(403);
    expect((await api('POST', tokensOf('employer'), w.tokens.raeB, {})).status).toBe(404);
    expect((await api('DELETE', `${tokensOf('mandatary')}/${employerToken.tokenId}`, w.tokens.rae)).status).toBe(404);
    const list = await api('GET', tokensOf('employer'), w.tokens.rae);
    expect(list.body.items).toHaveLength(1);
  });

  test('when a request has no token or an unknown one, then 401 as a SCIM error', async () => {
    expectScimError(await scim('GET', users(), undefined), 401);
    expectScimError(await scim('GET', users(), 'x'.repeat(43)), 401);
  });
});

describe('discovery', () => {
  test('when an HR system reads ServiceProviderConfig, ResourceTypes and Schemas, then they describe the Users endpoint and the extension', async () => {
    const config = await scim('GET', `/${A()}/employer/ServiceProviderConfig`, employerToken.token);
    expect(config.status).toBe(200);
    expect(config.type).toContain('application/scim+json');
    expect(config.body).toEqual(expect.objectContaining({ patch: { supported: true }, filter: expect.objectContaining({ supported: true }), bulk: expect.objectContaining({ supported: false }) }));
    const types = await scim('GET', `/${A()}/employer/ResourceTypes`, employerToken.token);
    expect(types.body.Resources).toEqual([expect.objectContaining({ id: 'User', endpoint: '/Users', schema: CORE, schemaExtensions: [{ schema: EXT, required: true }] })]);
    const schemas = await scim('GET', `/${A()}/employer/Schemas`, employerToken.token);
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([CORE, EXT]);
    const extension = await scim('GET', `/${A()}/employer/Schemas/${EXT}`, employerToken.token);
    expect(extension.body.attributes).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'niss', required: true })]));
  });
});

describe('provisioning a user', () => {
  let created: any;
  let body: ReturnType<typeof rfcUser>;

  beforeAll(async () => {
    body = rfcUser();
    const answer = await scim('POST', users(), employerToken.token, body);
    expect(answer.status).toBe(201);
    created = answer.body;
    expect(answer.location).toBe(created.meta.location);
  });

  test('when the RFC example is posted, then 201 with a SCIM User whose id is the person and whose attributes are those sent', () => {
    expectScimUser(created);
    expect(created).toEqual(
      expect.objectContaining({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        externalId: body.externalId,
        userName: body.userName,
        name: expect.objectContaining({ givenName: 'Barbara', familyName: 'Jensen' }),
        preferredLanguage: 'nl',
        emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
        active: true,
        [EXT]: { niss: body[EXT].niss, applications: ['dimona'] },
      }),
    );
    expect(created).not.toHaveProperty('password');
  });

  test('when the user is read by id and in the API, then it is the same membership', async () => {
    const got = await scim('GET', `${users()}/${created.id}`, employerToken.token);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created);
    const managed = await api('GET', `/enterprises/${A()}/qualities/employer/users/${created.id}`, w.tokens.glE);
    expect(managed.body).toEqual(expect.objectContaining({ username: body.userName, companyEmail: 'bjensen@example.com', externalId: body.externalId, applications: ['dimona'], status: 'active' }));
  });

  test('when filtered by userName (any case) or externalId, then exactly that user is found; an unknown value finds none', async () => {
    const byName = await listOf(employerToken.token, `filter=${encodeURIComponent(filterOf('userName', body.userName.toUpperCase()))}`);
    expect(byName).toEqual(expect.objectContaining({ totalResults: 1, startIndex: 1, itemsPerPage: 1 }));
    expect(byName.Resources[0].id).toBe(created.id);
    const byExternal = await listOf(employerToken.token, `filter=${encodeURIComponent(filterOf('externalId', body.externalId))}`);
    expect(byExternal.Resources.map((u: { id: string }) => u.id)).toEqual([created.id]);
    const none = await listOf(employerToken.token, `filter=${encodeURIComponent('externalId eq "no-such-id"')}`);
    expect(none).toEqual(expect.objectContaining({ totalResults: 0, Resources: [] }));
  });

  test('when the list is paged with startIndex and count, then pages follow each other without overlap', async () => {
    await scim('POST', users(), employerToken.token, rfcUser());
    const all = await listOf(employerToken.token, 'count=100');
    expect(all.totalResults).toBeGreaterThanOrEqual(2);
    const first = await listOf(employerToken.token, 'startIndex=1&count=1');
    const second = await listOf(employerToken.token, 'startIndex=2&count=1');
    expect(first).toEqual(expect.objectContaining({ totalResults: all.totalResults, itemsPerPage: 1 }));
    expect(second.startIndex).toBe(2);
    expect(first.Resources[0].id).not.toBe(second.Resources[0].id);
    // Only users: the quality's GL and co-GL are not SCIM Users.
    expect(all.Resources.map((u: { id: string }) => u.id)).not.toEqual(expect.arrayContaining([w.personIds.glE]));
    expect(all.Resources.map((u: { id: string }) => u.id)).not.toEqual(expect.arrayContaining([w.personIds.coGlE]));
  });

  test('when the same user is posted again, then 409 uniqueness and nothing changes', async () => {
    const before = await auditTotal();
    expectScimError(await scim('POST', users(), employerToken.token, { ...body, externalId: 'another' }), 409, 'uniqueness');
    expectScimError(await scim('POST', users(), employerToken.token, rfcUser({ externalId: body.externalId })), 409, 'uniqueness');
    expect(await auditTotal()).toBe(before);
  });

  test('when the change is audited, then the actor is the SCIM token', async () => {
    const trail = await api('GET', `/enterprises/${A()}/audit?pageSize=100`, w.tokens.rae);
    const registered = trail.body.items.find((r: any) => r.action === 'user.registered' && r.target.id === created.id);
    expect(registered.actor).toEqual({ personId: `scim-token:${employerToken.tokenId}`, roleKind: 'scim-client', roleId: `scim-token:${employerToken.tokenId}` });
  });
});

describe('deactivating and deleting', () => {
  test('when active is replaced by false, then the membership is blocked and the authorization check denies; true opens it again', async () => {
    const body = rfcUser();
    const created = (await scim('POST', users(), employerToken.token, body)).body;
    const check = async () => {
      const login = await sys.api.post('/auth/login', { username: body.userName, password: GOOD_PASSWORD });
      expect(login.status).toBe(200);
      const res = await api('GET', `/authorizations/check?application=dimona&enterpriseNumber=${A()}&quality=employer`, login.body.token);
      return res.body;
    };
    expect(await check()).toEqual({ allowed: true, reason: 'granted' });

    const patch = new SCIMMY.Messages.PatchOp({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    const off = await scim('PATCH', `${users()}/${created.id}`, employerToken.token, patch);
    expect(off.status).toBe(200);
    expectScimUser(off.body);
    expect(off.body.active).toBe(false);
    expect(await check()).toEqual({ allowed: false, reason: 'membership-blocked' });
    const managed = await api('GET', `/enterprises/${A()}/qualities/employer/users/${created.id}`, w.tokens.glE);
    expect(managed.body.status).toBe('blocked');

    // Entra ID's form: no path, the value an object, the op capitalised.
    const on = await scim('PATCH', `${users()}/${created.id}`, employerToken.token, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', value: { active: true } }] });
    expect(on.body.active).toBe(true);
    expect(await check()).toEqual({ allowed: true, reason: 'granted' });
  });

  test('when a user is created with active false, then its membership starts blocked', async () => {
    const created = await scim('POST', users(), employerToken.token, rfcUser({ active: false }));
    expect(created.status).toBe(201);
    expect(created.body.active).toBe(false);
    expect((await api('GET', `/enterprises/${A()}/qualities/employer/users/${created.body.id}`, w.tokens.glE)).body.status).toBe('blocked');
  });

  test('when the user is deleted, then 204, the membership is gone (404, not listed) and the person keeps their account', async () => {
    const body = rfcUser();
    const created = (await scim('POST', users(), employerToken.token, body)).body;
    const gone = await scim('DELETE', `${users()}/${created.id}`, employerToken.token);
    expect(gone.status).toBe(204);
    expectScimError(await scim('GET', `${users()}/${created.id}`, employerToken.token), 404);
    const listed = await listOf(employerToken.token, `filter=${encodeURIComponent(filterOf('externalId', body.externalId))}`);
    expect(listed.totalResults).toBe(0);
    expect((await api('GET', `/enterprises/${A()}/qualities/employer/users/${created.id}`, w.tokens.glE)).status).toBe(404);
    expectScimError(await scim('DELETE', `${users()}/${created.id}`, employerToken.token), 404);
  });
});

describe('isolation', () => {
  let employerUser: any;
  beforeAll(async () => {
    employerUser = (await scim('POST', users(), employerToken.token, rfcUser())).body;
  });

  test("when a token is used on another quality or enterprise, then 404 and nothing of it is returned or changed", async () => {
    expectScimError(await scim('GET', users('mandatary'), employerToken.token), 404);
    expectScimError(await scim('POST', users('mandatary'), employerToken.token, rfcUser()), 404);
    expectScimError(await scim('GET', users('employer', w.enterpriseB), employerToken.token), 404);
    expectScimError(await scim('GET', `/${w.enterpriseB}/employer/ServiceProviderConfig`, employerToken.token), 404);
  });

  test("when another quality's token looks for this quality's user, then it is not found there and not listed", async () => {
    expectScimError(await scim('GET', `${users('mandatary')}/${employerUser.id}`, mandataryToken.token), 404);
    const listed = await listOf(mandataryToken.token, 'count=100', 'mandatary');
    expect(listed.Resources.map((u: { id: string }) => u.id)).not.toContain(employerUser.id);
    const filtered = await listOf(mandataryToken.token, `filter=${encodeURIComponent(filterOf('userName', employerUser.userName))}`, 'mandatary');
    expect(filtered.totalResults).toBe(0);
    const patched = await scim('PATCH', `${users('mandatary')}/${employerUser.id}`, mandataryToken.token, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expectScimError(patched, 404);
    expectScimError(await scim('DELETE', `${users('mandatary')}/${employerUser.id}`, mandataryToken.token), 404);
    expect((await scim('GET', `${users()}/${employerUser.id}`, employerToken.token)).body.active).toBe(true);
  });

  test('when a GL or co-GL membership is asked for by id, then it is no SCIM User: 404, and it cannot be deactivated nor deleted', async () => {
    expectScimError(await scim('GET', `${users()}/${w.personIds.glE}`, employerToken.token), 404);
    expectScimError(await scim('PATCH', `${users()}/${w.personIds.coGlE}`, employerToken.token, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }), 404);
    expectScimError(await scim('DELETE', `${users()}/${w.personIds.coGlE}`, employerToken.token), 404);
  });
});

describe('bad input', () => {
  test.each([
    ['no NISS extension', () => { const { [EXT]: _e, ...rest } = rfcUser(); return rest; }, 'invalidValue', 'VALIDATION_FAILED'],
    ['an invalid NISS', () => rfcUser({ [EXT]: { niss: '12345678901' } }), 'invalidValue', 'NISS_INVALID'],
    ['a username outside the policy', () => rfcUser({ userName: 'bj' }), 'invalidValue', 'USERNAME_POLICY'],
    ['an application outside the catalogue', () => rfcUser({ [EXT]: { niss: uniqueNiss(), applications: ['mahis'] } }), 'invalidValue', 'APPLICATION_NOT_IN_CATALOGUE'],
    ['no core schema', () => rfcUser({ schemas: [EXT] }), 'invalidValue', 'VALIDATION_FAILED'],
    ['a weak password', () => rfcUser({ password: 'short' }), 'invalidValue', 'PASSWORD_POLICY'],
  ])('when a user is posted with %s, then 400 %s with the code %s and nothing changes', async (_label, make, scimType, code) => {
    const before = await auditTotal();
    const answer = await scim('POST', users(), employerToken.token, make());
    expectScimError(answer, 400, scimType);
    expect(answer.body.detail).toContain(code);
    expect(await auditTotal()).toBe(before);
  });

  test('when the body is not JSON, then 400 invalidSyntax', async () => {
    expectScimError(await scim('POST', users(), employerToken.token, '{"schemas": ['), 400, 'invalidSyntax');
  });

  test.each([
    ['another operator', 'userName sw "b"'],
    ['two conditions', 'userName eq "a" or userName eq "b"'],
    ['an attribute that cannot be filtered', 'name.familyName eq "Jensen"'],
  ])('when the filter has %s, then 400 invalidFilter', async (_label, filter) => {
    expectScimError(await scim('GET', `${users()}?filter=${encodeURIComponent(filter)}`, employerToken.token), 400, 'invalidFilter');
  });

  test('when a PATCH changes person data or is no PatchOp, then 400 mutability or invalidSyntax and nothing changes', async () => {
    const created = (await scim('POST', users(), employerToken.token, rfcUser())).body;
    const before = await auditTotal();
    expectScimError(await scim('PATCH', `${users()}/${created.id}`, employerToken.token, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'name.familyName', value: 'Other' }] }), 400, 'mutability');
    expectScimError(await scim('PATCH', `${users()}/${created.id}`, employerToken.token, { active: false }), 400, 'invalidSyntax');
    expect(await auditTotal()).toBe(before);
    expect((await scim('GET', `${users()}/${created.id}`, employerToken.token)).body.active).toBe(true);
  });

  test('when the caller asks for French, then the detail is in French and the code stays', async () => {
    const en = await scim('GET', `${users()}?filter=${encodeURIComponent('title pr')}`, employerToken.token, undefined, { 'accept-language': 'en' });
    const fr = await scim('GET', `${users()}?filter=${encodeURIComponent('title pr')}`, employerToken.token, undefined, { 'accept-language': 'fr' });
    expect(fr.body.detail).toContain('[INVALID_FILTER]');
    expect(fr.body.detail).not.toBe(en.body.detail);
    expect(fr.body.detail).toContain('Ce filtre');
  });

  test('when a method or path is not served, then 405 or 404 as SCIM errors (PUT would replace person data: not offered)', async () => {
    const put = await scim('PUT', `${users()}/0123456789abcdef01234567`, employerToken.token, rfcUser());
    expectScimError(put, 405);
    expectScimError(await scim('GET', `/${A()}/employer/Groups`, employerToken.token), 404);
  });

  test('when the id is not a person id, then 404 (not 400)', async () => {
    expectScimError(await scim('GET', `${users()}/not-an-id`, employerToken.token), 404);
  });
});

describe('revocation', () => {
  test('when a token is revoked, then its next request answers 401 and the other tokens still work', async () => {
    const made = await api('POST', tokensOf('employer'), w.tokens.rae, { label: 'to revoke' });
    expect((await scim('GET', users(), made.body.token)).status).toBe(200);
    expect((await api('DELETE', `${tokensOf('employer')}/${made.body.tokenId}`, w.tokens.glE)).status).toBe(204);
    expectScimError(await scim('GET', users(), made.body.token), 401);
    expect((await scim('GET', users(), employerToken.token)).status).toBe(200);
    const list = await api('GET', tokensOf('employer'), w.tokens.glE);
    expect(list.body.items.map((t: { tokenId: string }) => t.tokenId)).not.toContain(made.body.tokenId);
  });
});
