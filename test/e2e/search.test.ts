/**
 * Issue 5 item 3: search at quality and enterprise level on every criterion of the manual,
 * case-insensitive prefixes, paging, a stable sort, totals; a bad query answers 400.
 */
import { personBody } from '../support/fixtures';
import { startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';

let sys: TestSystem;
let w: World;
const ids: Record<string, string> = {};
const seeded = [
  { key: 'zoe', firstName: 'Zoé', lastName: 'Vandamme', title: 'Dr', language: 'fr', email: 'Zoe.Vandamme@Acme.example', applications: ['dimona', 'drs'], quality: 'employer' },
  { key: 'zack', firstName: 'Zack', lastName: 'Vandenberghe', title: 'Ir', language: 'nl', email: 'zack@acme.example', applications: ['ebox'], quality: 'employer' },
  { key: 'yves', firstName: 'Yves', lastName: 'Vandamme', language: 'de', email: 'yves@other.example', applications: ['mahis'], quality: 'mandatary' },
] as const;

beforeAll(async () => {
  sys = await startTestSystem();
  w = await buildWorld(sys.api);
  for (const s of seeded) {
    const body = { ...personBody({ firstName: s.firstName, lastName: s.lastName, language: s.language, email: s.email, ...('title' in s ? { title: s.title } : {}) }), applications: s.applications };
    const res = await sys.api.post(`/enterprises/${w.enterpriseA}/qualities/${s.quality}/users`, body, w.tokens.rae);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    ids[s.key] = res.body.personId;
    ids[`${s.key}:niss`] = body.niss;
    ids[`${s.key}:username`] = body.username;
  }
  await sys.api.request('POST', `/enterprises/${w.enterpriseA}/qualities/employer/users/${ids.zack}/block`, { token: w.tokens.rae });
});
afterAll(async () => {
  await sys?.shutdown();
});

const A = () => w.enterpriseA;
const find = async (query: string, token = w.tokens.rae, url = `/enterprises/${A()}/users`) => {
  const res = await sys.api.get(`${url}?${query}`, token);
  if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { items: Array<{ personId: string } & Record<string, any>>; total: number; page: number; pageSize: number };
};
const people = (r: { items: Array<{ personId: string }> }) => r.items.map((i) => i.personId).sort();
const ofSeeded = (r: { items: Array<{ personId: string }> }) => people(r).filter((id) => Object.values(ids).includes(id));

test.each([
  ['lastName=vanDA', ['zoe', 'yves']],
  ['lastName=VANDEN', ['zack']],
  ['firstName=z', ['zoe', 'zack']],
  ['firstName=zoé', ['zoe']],
  ['title=dR', ['zoe']],
  ['email=ZOE.VAN', ['zoe']],
  ['email=yves@OTHER', ['yves']],
  ['language=de', ['yves']],
  ['status=blocked&lastName=vand', ['zack']],
  ['quality=mandatary&lastName=vand', ['yves']],
  ['quality=employer&application=drs&lastName=vand', ['zoe']],
])('when the enterprise is searched by %s, then exactly the matching members come back', async (query, expected) => {
  const r = await find(query);
  expect(ofSeeded(r)).toEqual(expected.map((k) => ids[k]).sort());
});

test('when searched by NISS (whole or prefix) or username prefix, then that person comes back', async () => {
  expect(people(await find(`niss=${ids['zoe:niss']}`))).toEqual([ids.zoe]);
  expect(people(await find(`niss=${ids['zoe:niss']!.slice(0, 10)}`))).toContain(ids.zoe);
  expect(people(await find(`username=${ids['yves:username']!.toUpperCase()}`))).toEqual([ids.yves]);
});

test('when items come back, then they carry the fields of the contract', async () => {
  const [item] = (await find(`niss=${ids['zoe:niss']}`)).items;
  expect(item).toEqual(expect.objectContaining({ personId: ids.zoe, username: ids['zoe:username'], firstName: 'Zoé', lastName: 'Vandamme', niss: ids['zoe:niss'], language: 'fr', status: 'active', quality: 'employer', applications: ['dimona', 'drs'] }));
});

test('when a GL searches the quality level, then only their quality is searched, GLs and co-GLs included', async () => {
  const url = `/enterprises/${A()}/qualities/employer/users`;
  const r = await find('lastName=vand', w.tokens.glE, url);
  expect(ofSeeded(r)).toEqual([ids.zoe, ids.zack].sort());
  expect(people(await find('pageSize=100', w.tokens.glE, url))).toEqual(expect.arrayContaining([w.personIds.glE, w.personIds.coGlE, w.personIds.userE]));
  expect((await find('application=ebox', w.tokens.glE, url)).items.every((i) => i.applications.includes('ebox'))).toBe(true);
  // quality in the query cannot widen a quality-level search: it is not a parameter there.
  expect((await sys.api.get(`${url}?quality=mandatary`, w.tokens.glE)).status).toBe(400);
});

test('when paging with a sort, then pages are disjoint, complete and in a stable order, with the total', async () => {
  const all = await find('pageSize=100&sort=firstName');
  const pages = [];
  for (let page = 1; page <= Math.ceil(all.total / 2); page += 1) pages.push(...(await find(`pageSize=2&page=${page}&sort=firstName`)).items);
  expect(pages.map((i) => `${i.personId}/${i.quality}`)).toEqual(all.items.map((i) => `${i.personId}/${i.quality}`));
  const names = all.items.map((i) => i.firstName.toLowerCase());
  expect([...names].sort()).toEqual(names);
  const page2 = await find('pageSize=2&page=2');
  expect(page2).toEqual(expect.objectContaining({ total: all.total, page: 2, pageSize: 2 }));
});

test('when injection-looking input is searched, then it is plain text and matches nothing', async () => {
  for (const q of ['.*', '^', '(a+)+$', '[', '\\', '{"$ne":null}', '$where']) {
    const r = await find(`lastName=${encodeURIComponent(q)}`);
    expect(r.total).toBe(0);
  }
  expect((await sys.api.get(`/enterprises/${A()}/users?lastName[$ne]=x`, w.tokens.rae)).status).toBe(400);
});

test.each([
  ['pageSize=101', 'OUT_OF_RANGE'],
  ['pageSize=0', 'OUT_OF_RANGE'],
  ['language=xx', 'UNKNOWN_VALUE'],
  ['application=dimona', 'APPLICATION_NEEDS_QUALITY'],
  ['quality=curator&application=dimona', 'APPLICATION_NOT_IN_CATALOGUE'],
  ['sort=password', 'UNKNOWN_VALUE'],
  ['status=deleted', 'UNKNOWN_VALUE'],
  ['niss=abc', 'INVALID_FORMAT'],
  ['colour=blue', 'UNKNOWN_FIELD'],
])('when the query is %s, then 400 %s', async (query, code) => {
  const res = await sys.api.get(`/enterprises/${A()}/users?${query}`, w.tokens.rae);
  expect(res.status).toBe(400);
  expect(res.body.code).toBe(code);
});

test('when a person changes their own e-mail, then searches by the new address find them', async () => {
  const body = personBody({ lastName: 'Selfchanger' });
  const { personId } = (await sys.api.post(`/enterprises/${A()}/qualities/employer/users`, body, w.tokens.rae)).body;
  const session = (await sys.api.post('/auth/login', { username: body.username, password: body.password })).body.token;
  expect((await sys.api.request('PATCH', '/me', { token: session, body: { emails: ['renamed.person@new.example'] } })).status).toBe(200);
  const deadline = Date.now() + 2_000;
  let found: string[] = [];
  while (Date.now() < deadline && found.length === 0) found = people(await find('email=renamed.person@'));
  expect(found).toEqual([personId]);
});
