/**
 * Issue 5 items 1–2: users of a quality through HTTP — register by NISS (reuse keeps other
 * memberships), applications from the catalogue only, company e-mail per membership, PATCH, block,
 * unblock, delete (the membership only), reset password; bad input 400 and nothing changed.
 */
import { GOOD_PASSWORD, personBody } from '../support/fixtures';
import { startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';

let sys: TestSystem;
let w: World;

beforeAll(async () => {
  sys = await startTestSystem();
  w = await buildWorld(sys.api);
});
afterAll(async () => {
  await sys?.shutdown();
});

const A = () => w.enterpriseA;
const req = (method: string, url: string, token: string | undefined, body?: unknown) => sys.api.request(method, url, { token, body });
const users = (quality = 'employer') => `/enterprises/${A()}/qualities/${quality}/users`;
const auditTotal = async () => (await req('GET', `/enterprises/${A()}/audit?pageSize=1`, w.tokens.rae)).body.total as number;

describe('registering users', () => {
  test('when a GL registers a new person with applications and a company e-mail, then 201 with personId and the user is readable', async () => {
    const body = { ...personBody({ firstName: 'Lies', lastName: 'Janssens' }), applications: ['dimona', 'drs'], companyEmail: 'lies@acme.example' };
    const res = await req('POST', users(), w.tokens.glE, body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ personId: expect.stringMatching(/^[0-9a-f]{24}$/), roleId: expect.any(String), created: true });
    const got = await req('GET', `${users()}/${res.body.personId}`, w.tokens.glE);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(expect.objectContaining({ personId: res.body.personId, username: body.username, niss: body.niss, firstName: 'Lies', lastName: 'Janssens', quality: 'employer', status: 'active', kind: 'user', applications: ['dimona', 'drs'], companyEmail: 'lies@acme.example' }));
    // The new user can log in and choose that role.
    const login = await sys.api.loginAs(body.username, GOOD_PASSWORD);
    expect(login.roles).toEqual([expect.objectContaining({ kind: 'user', enterpriseNumber: A(), quality: 'employer' })]);
    const me = await req('GET', '/me', login.sessionToken);
    expect(me.body.memberships).toEqual([expect.objectContaining({ status: 'active', applications: ['dimona', 'drs'], companyEmail: 'lies@acme.example' })]);
  });

  test('when an existing person is registered by NISS in another quality, then the person is reused and their other memberships stay', async () => {
    const person = personBody();
    const first = await req('POST', users('employer'), w.tokens.rae, { ...person, applications: ['ebox'] });
    expect(first.status).toBe(201);
    const again = await req('POST', users('mandatary'), w.tokens.rae, { niss: person.niss, firstName: person.firstName, lastName: person.lastName, language: 'fr', applications: ['mahis'], companyEmail: 'other@acme.example' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(expect.objectContaining({ personId: first.body.personId, created: false }));
    const e = await req('GET', `${users('employer')}/${first.body.personId}`, w.tokens.rae);
    const m = await req('GET', `${users('mandatary')}/${first.body.personId}`, w.tokens.rae);
    expect(e.body).toEqual(expect.objectContaining({ applications: ['ebox'], status: 'active' }));
    expect(e.body.companyEmail).toBeUndefined();
    expect(m.body).toEqual(expect.objectContaining({ applications: ['mahis'], companyEmail: 'other@acme.example' }));
  });

  test('when the person is already a member of the quality, then 409 ALREADY_MEMBER', async () => {
    const person = personBody();
    expect((await req('POST', users(), w.tokens.rae, person)).status).toBe(201);
    const res = await req('POST', users(), w.tokens.rae, person);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ALREADY_MEMBER');
  });

  test.each([
    ['an application outside the catalogue', { applications: ['mahis'] }, 'APPLICATION_NOT_IN_CATALOGUE'],
    ['an unknown application code format', { applications: ['DIMONA!'] }, 'INVALID_FORMAT'],
    ['a bad NISS', { niss: '12345678901' }, 'NISS_INVALID'],
    ['a bad company e-mail', { companyEmail: 'not-an-email' }, 'INVALID_FORMAT'],
    ['an unknown field', { admin: true }, 'UNKNOWN_FIELD'],
    ['a weak password', { password: 'short' }, 'PASSWORD_POLICY'],
    ['an unknown language', { language: 'xx' }, 'UNKNOWN_VALUE'],
  ])('when the body has %s, then 400 %s and nothing changed', async (_label, change, code) => {
    const before = await auditTotal();
    const res = await req('POST', users(), w.tokens.glE, { ...personBody(), ...change });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(code);
    expect(await auditTotal()).toBe(before);
  });

  test('when a new person comes without username and password, then 400 and nothing is left behind', async () => {
    const { username: _u, password: _p, ...person } = personBody();
    const res = await req('POST', users(), w.tokens.glE, person);
    expect(res.status).toBe(400);
    const search = await req('GET', `${users()}?niss=${person.niss}`, w.tokens.glE);
    expect(search.body.total).toBe(0);
  });

  test('when the quality is not active, then 404', async () => {
    const res = await req('POST', users('curator'), w.tokens.rae, personBody());
    expect(res.status).toBe(404);
  });
});

describe('changing users', () => {
  let personId: string;
  let username: string;
  beforeAll(async () => {
    const body = { ...personBody(), applications: ['dimona'] };
    username = body.username;
    personId = (await req('POST', users(), w.tokens.rae, body)).body.personId;
  });

  test('when a co-GL patches language, e-mails, applications and company e-mail, then 200 with the new values and an audit record', async () => {
    const before = await auditTotal();
    const res = await req('PATCH', `${users()}/${personId}`, w.tokens.coGlE, { language: 'de', emails: ['a@x.example', 'A@x.example', 'b@x.example'], applications: ['dmfa', 'ebox'], companyEmail: 'work@acme.example' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ language: 'de', emails: ['a@x.example', 'b@x.example'], applications: ['dmfa', 'ebox'], companyEmail: 'work@acme.example' }));
    expect(await auditTotal()).toBe(before + 1);
    const cleared = await req('PATCH', `${users()}/${personId}`, w.tokens.coGlE, { companyEmail: null });
    expect(cleared.body.companyEmail).toBeUndefined();
  });

  test.each([
    [{ applications: ['mycarenet'] }, 'APPLICATION_NOT_IN_CATALOGUE'],
    [{ emails: ['x@y.example', 'nope'] }, 'INVALID_FORMAT'],
    [{ firstName: 'Other' }, 'UNKNOWN_FIELD'],
    [{ language: 'es' }, 'UNKNOWN_VALUE'],
  ])('when the patch is %j, then 400 %s and nothing changed', async (patch, code) => {
    const before = (await req('GET', `${users()}/${personId}`, w.tokens.rae)).body;
    const audits = await auditTotal();
    const res = await req('PATCH', `${users()}/${personId}`, w.tokens.glE, patch);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(code);
    expect((await req('GET', `${users()}/${personId}`, w.tokens.rae)).body).toEqual(before);
    expect(await auditTotal()).toBe(audits);
  });

  test('when a bad personId is given, then 400; an unknown one, then 404', async () => {
    expect((await req('GET', `${users()}/not-an-id`, w.tokens.rae)).status).toBe(400);
    expect((await req('GET', `${users()}/0123456789abcdef01234567`, w.tokens.rae)).status).toBe(404);
  });

  test('when the user is blocked, then their session ends, login still works but the role is not offered; unblock restores it', async () => {
    const session = await sys.api.loginAs(username, GOOD_PASSWORD);
    const blocked = await req('POST', `${users()}/${personId}/block`, w.tokens.glE);
    expect(blocked.status).toBe(200);
    expect(blocked.body.status).toBe('blocked');
    expect((await req('GET', '/enterprises/' + A(), session.token)).status).toBe(401);
    const login = await sys.api.post('/auth/login', { username, password: GOOD_PASSWORD });
    expect(login.body.roles.filter((r: { quality?: string }) => r.quality === 'employer')).toEqual([]);
    const unblocked = await req('POST', `${users()}/${personId}/unblock`, w.tokens.glE);
    expect(unblocked.body.status).toBe('active');
    const again = await sys.api.post('/auth/login', { username, password: GOOD_PASSWORD });
    expect(again.body.roles).toEqual(expect.arrayContaining([expect.objectContaining({ quality: 'employer', kind: 'user' })]));
  });

  test('when a manager resets the password, then 204, the old password fails and the new one works', async () => {
    const res = await req('PUT', `${users()}/${personId}/password`, w.tokens.rae, { password: 'Renewed#2026' });
    expect(res.status).toBe(204);
    expect((await sys.api.post('/auth/login', { username, password: GOOD_PASSWORD })).status).toBe(401);
    expect((await sys.api.post('/auth/login', { username, password: 'Renewed#2026' })).status).toBe(200);
    const weak = await req('PUT', `${users()}/${personId}/password`, w.tokens.rae, { password: 'weak' });
    expect(weak.status).toBe(400);
    expect(weak.body.code).toBe('PASSWORD_POLICY');
  });

  test('when a user is deleted from one quality, then only that membership ends: the person keeps the other', async () => {
    const person = personBody();
    const { personId: id } = (await req('POST', users('employer'), w.tokens.rae, person)).body;
    await req('POST', users('mandatary'), w.tokens.rae, { niss: person.niss, firstName: 'Ann', lastName: 'Peeters', language: 'nl' });
    expect((await req('DELETE', `${users('employer')}/${id}`, w.tokens.rae)).status).toBe(204);
    expect((await req('GET', `${users('employer')}/${id}`, w.tokens.rae)).status).toBe(404);
    expect((await req('GET', `${users('mandatary')}/${id}`, w.tokens.rae)).status).toBe(200);
    const login = await sys.api.post('/auth/login', { username: person.username, password: GOOD_PASSWORD });
    expect(login.body.roles).toEqual([expect.objectContaining({ kind: 'user', quality: 'mandatary' })]);
  });

  test('when managers act on themselves, then 403 and nothing changed', async () => {
    const self = w.personIds.glE!;
    for (const [method, suffix, body] of [['POST', '/block'], ['DELETE', ''], ['PUT', '/password', { password: 'Another#2026' }]] as const) {
      const res = await req(method, `${users()}/${self}${suffix}`, w.tokens.glE, body);
      expect(res.status).toBe(403);
    }
  });

  test('when a GL membership is blocked through the users routes, then 409: GLs have their own routes', async () => {
    const res = await req('POST', `${users()}/${w.personIds.glE}/block`, w.tokens.rae);
    expect(res.status).toBe(409);
  });
});
