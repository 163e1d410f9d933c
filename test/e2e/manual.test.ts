/**
 * Issue 14: the manual, complete (PRODUCT.md §7.2). One test per place where a person following
 * the manual would otherwise get stuck, named after the manual's section.
 */
import { GOOD_PASSWORD, personBody } from '../support/fixtures';
import { OPERATOR, startTestSystem, type TestSystem } from '../support/system';
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
const Q = () => `/enterprises/${A()}/qualities/employer`;
const req = (method: string, url: string, token: string | undefined, body?: unknown, headers?: Record<string, string>) =>
  sys.api.request(method, url, { token, body, ...(headers ? { headers } : {}) });

describe('manual 3 and 4.1.1: the drop-downs read the catalogue, in four languages', () => {
  test('manual 4.1.1: the catalogue lists the qualities with the manual\'s names, their applications and data fields, without login', async () => {
    const res = await req('GET', '/catalogue', undefined);
    expect(res.status).toBe(200);
    const fss = res.body.qualities.find((q: any) => q.code === 'full-service-secretariat');
    expect(fss.labels).toEqual({ fr: 'Secrétariat Full Service', nl: 'Full Service Secretariaat', de: 'Full-Service-Sekretariat', en: 'Full Service Secretariat' });
    const hospital = res.body.qualities.find((q: any) => q.code === 'hospital-care-provider');
    expect(hospital.labels.fr).toBe('Prestataire de soins : hôpital');
    expect(hospital.applications).toEqual(['mycarenet']);
    expect(hospital.dataFields).toEqual([
      expect.objectContaining({ name: 'contactEmail', required: false }),
      expect.objectContaining({ name: 'inamiNumber', required: true, labels: expect.objectContaining({ fr: 'Numéro INAMI', nl: 'RIZIV-nummer' }) }),
    ]);
    expect(res.body.roleKinds.find((r: any) => r.code === 'local-manager').labels).toEqual({ fr: 'Gestionnaire Local', nl: 'Lokale Beheerder', de: 'Lokaler Verwalter', en: 'Local Manager' });
    expect(res.body.applications.map((a: any) => a.code)).toEqual(expect.arrayContaining(['user-management', 'dimona', 'mycarenet']));
    expect(res.body.declarationTypes).toHaveLength(4);
    for (const section of ['qualities', 'applications', 'declarationTypes', 'roleKinds']) {
      for (const item of res.body[section]) expect(Object.keys(item.labels).sort()).toEqual(['de', 'en', 'fr', 'nl']);
    }
  });
});

describe('manual 3: problems in the language of the person', () => {
  const LANGS = ['fr', 'nl', 'de', 'en'] as const;

  /** The same failing call in each language: same status and code, four different texts. */
  async function inEachLanguage(status: number, code: string, send: (headers: Record<string, string>) => Promise<{ status: number; body: any; headers: Headers }>) {
    const answers = [];
    for (const language of LANGS) {
      const res = await send({ 'accept-language': language });
      expect({ language, status: res.status, code: res.body.code }).toEqual({ language, status, code });
      expect(res.headers.get('content-language')).toBe(language);
      answers.push(res.body);
    }
    for (const part of ['title', 'detail'] as const) {
      const texts = answers.map((a) => a[part]);
      expect(texts.every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
      expect(new Set(texts).size).toBe(LANGS.length);
    }
    return answers;
  }

  test('manual 3: a 400 comes in fr, nl, de and en, its field messages too, with the same code', async () => {
    const answers = await inEachLanguage(400, 'NISS_INVALID', (headers) => req('POST', `/enterprises/${A()}/qualities/employer/users`, w.tokens.glE, { ...personBody(), niss: '12345678901' }, headers));
    const messages = answers.map((a) => a.errors.find((e: any) => e.field === 'niss'));
    expect(messages.map((m) => m.code)).toEqual(['NISS_INVALID', 'NISS_INVALID', 'NISS_INVALID', 'NISS_INVALID']);
    expect(new Set(messages.map((m) => m.message)).size).toBe(4);
    expect(answers[0].title).toBe('NISS non valable');
  });

  test('manual 3: a 401 comes in fr, nl, de and en with the same code', async () => {
    await inEachLanguage(401, 'UNAUTHENTICATED', (headers) => req('GET', '/me', undefined, undefined, headers));
  });

  test('manual 3: a 403 comes in fr, nl, de and en with the same code', async () => {
    await inEachLanguage(403, 'FORBIDDEN', (headers) => req('GET', `/enterprises/${A()}`, w.tokens.userE, undefined, headers));
  });

  test('manual 3: a 404 comes in fr, nl, de and en with the same code', async () => {
    await inEachLanguage(404, 'NOT_FOUND', (headers) => req('GET', `/enterprises/${A()}`, w.tokens.raeB, undefined, headers));
  });

  test('manual 3: a 409 comes in fr, nl, de and en with the same code', async () => {
    const person = personBody();
    expect((await req('POST', `${Q()}/users`, w.tokens.glE, person)).status).toBe(201);
    await inEachLanguage(409, 'ALREADY_MEMBER', (headers) => req('POST', `${Q()}/users`, w.tokens.glE, person, headers));
  });

  test('manual 3: a 423 comes in fr, nl, de and en with the same code', async () => {
    const person = personBody();
    expect((await req('POST', `${Q()}/users`, w.tokens.glE, person)).status).toBe(201);
    for (let i = 0; i < 5; i += 1) expect((await req('POST', '/auth/login', undefined, { username: person.username, password: 'Wrong#2026xx' })).status).toBe(401);
    await inEachLanguage(423, 'ACCOUNT_LOCKED', (headers) => req('POST', '/auth/login', undefined, { username: person.username, password: GOOD_PASSWORD }, headers));
  });

  test('manual 3: without Accept-Language a problem comes in the session person\'s language, and q-values choose among several', async () => {
    // The world's user was registered in Dutch.
    const dutch = await req('GET', `/enterprises/${A()}`, w.tokens.userE);
    expect(dutch.body).toEqual(expect.objectContaining({ code: 'FORBIDDEN', title: 'Niet toegestaan' }));
    const german = await req('GET', `/enterprises/${A()}`, w.tokens.userE, undefined, { 'accept-language': 'es, en;q=0.5, de;q=0.8' });
    expect(german.body.title).toBe('Nicht erlaubt');
    const anonymous = await req('GET', '/me', undefined);
    expect(anonymous.body).toEqual(expect.objectContaining({ code: 'UNAUTHENTICATED', title: 'Not logged in' }));
  });
});

describe('manual 1.3.2 and Ill. 1: users reach User Management, roles name the company', () => {
  test('manual 1.3.2: a user reaches user-management as soon as added, and no application they were not granted', async () => {
    const check = (application: string) => req('GET', `/authorizations/check?application=${application}&enterpriseNumber=${A()}&quality=employer`, w.tokens.userE);
    expect((await check('user-management')).body).toEqual({ allowed: true, reason: 'granted' });
    expect((await check('dmfa')).body).toEqual({ allowed: false, reason: 'application-not-granted' });
    expect((await req('GET', `/authorizations/check?application=user-management&enterpriseNumber=${w.enterpriseB}`, w.tokens.userE)).body.allowed).toBe(false);
  });

  test('manual Ill. 1: the roles of login, of the role choice and of /me name the company', async () => {
    const person = personBody();
    const added = await req('POST', `${Q()}/users`, w.tokens.glE, person);
    expect(added.status).toBe(201);
    const name = (await req('GET', `/enterprises/${A()}`, w.tokens.rae)).body.name as string;
    const login = await req('POST', '/auth/login', undefined, { username: person.username, password: GOOD_PASSWORD });
    expect(login.body.roles).toEqual([expect.objectContaining({ kind: 'user', enterpriseNumber: A(), enterpriseName: name, quality: 'employer' })]);
    const chosen = await req('POST', '/auth/session/role', login.body.token, { roleId: login.body.roles[0].id });
    expect(chosen.body.role).toEqual(expect.objectContaining({ enterpriseName: name }));
    const me = await req('GET', '/me', chosen.body.token);
    expect(me.body.memberships[0].role).toEqual(expect.objectContaining({ enterpriseName: name }));
    // The contact centre's role belongs to no company.
    const operator = await req('POST', '/auth/login', undefined, OPERATOR);
    expect(operator.body.roles[0]).not.toHaveProperty('enterpriseName');
  });
});

describe('manual 5.1 and 5.3: co-local-managers are edited and reset like users', () => {
  const coGl = (id: string) => `${Q()}/co-local-managers/${id}`;

  test('manual 5.1: the GL reads a co-GL, edits their names and language, and the change is audited', async () => {
    const person = personBody({ firstName: 'Marc', lastName: 'Dupont' });
    const { personId } = (await req('POST', `${Q()}/co-local-managers`, w.tokens.glE, person)).body;
    const got = await req('GET', coGl(personId), w.tokens.glE);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(expect.objectContaining({ personId, kind: 'co-local-manager', firstName: 'Marc', lastName: 'Dupont', quality: 'employer', status: 'active' }));
    const edited = await req('PATCH', coGl(personId), w.tokens.glE, { lastName: 'Dupont-Leroy', language: 'fr' });
    expect(edited.status).toBe(200);
    expect(edited.body).toEqual(expect.objectContaining({ lastName: 'Dupont-Leroy', language: 'fr' }));
    expect((await req('GET', coGl(personId), w.tokens.rae)).body.lastName).toBe('Dupont-Leroy');
    const audit = (await req('GET', `/enterprises/${A()}/audit?pageSize=5`, w.tokens.rae)).body.items;
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'co-local-manager.edited', target: { type: 'person', id: personId } })]));
  });

  test('manual 5.3: the GL resets a co-GL\'s password; the co-GL logs in with the new one, not the old', async () => {
    const person = personBody();
    const { personId } = (await req('POST', `${Q()}/co-local-managers`, w.tokens.glE, person)).body;
    expect((await req('PUT', `${coGl(personId)}/password`, w.tokens.glE, { password: 'Renewed#2026' })).status).toBe(204);
    expect((await req('POST', '/auth/login', undefined, { username: person.username, password: GOOD_PASSWORD })).status).toBe(401);
    expect((await req('POST', '/auth/login', undefined, { username: person.username, password: 'Renewed#2026' })).status).toBe(200);
  });

  test('manual 5.1 footnote 3: a co-GL may not read, edit or reset another co-GL; a user is not a co-GL (404)', async () => {
    const { personId } = (await req('POST', `${Q()}/co-local-managers`, w.tokens.glE, personBody())).body;
    expect((await req('GET', coGl(personId), w.tokens.coGlE)).status).toBe(403);
    expect((await req('PATCH', coGl(personId), w.tokens.coGlE, { language: 'de' })).status).toBe(403);
    expect((await req('PUT', `${coGl(personId)}/password`, w.tokens.coGlE, { password: 'Renewed#2026' })).status).toBe(403);
    expect((await req('GET', coGl(w.personIds.userE!), w.tokens.glE)).status).toBe(404);
    expect((await req('GET', coGl(personId), w.tokens.raeB)).status).toBe(404);
  });

  test('manual 5.1: the search filters users and co-GLs with the checkboxes, and every item says its kind', async () => {
    // Letters only: a person's name holds no digits (libs/domain names.ts).
    const marker = `Kind${[...String(Date.now() % 100000)].map((d) => String.fromCharCode(97 + Number(d))).join('')}`;
    await req('POST', `${Q()}/co-local-managers`, w.tokens.glE, personBody({ lastName: `${marker}a` }));
    await req('POST', `${Q()}/users`, w.tokens.glE, personBody({ lastName: `${marker}b` }));
    for (const url of [`${Q()}/users`, `/enterprises/${A()}/users`]) {
      const token = url.includes('/qualities/') ? w.tokens.glE : w.tokens.rae;
      const all = await req('GET', `${url}?lastName=${marker}`, token);
      expect(all.body.items.map((i: any) => i.kind).sort()).toEqual(['co-local-manager', 'user']);
      const coGls = await req('GET', `${url}?lastName=${marker}&kind=co-local-manager`, token);
      expect(coGls.body.items.map((i: any) => i.kind)).toEqual(['co-local-manager']);
      const users = await req('GET', `${url}?lastName=${marker}&kind=user`, token);
      expect(users.body).toEqual(expect.objectContaining({ total: 1, items: [expect.objectContaining({ kind: 'user', lastName: `${marker}b` })] }));
      expect((await req('GET', `${url}?kind=contact-centre`, token)).status).toBe(400);
    }
  });
});

describe('manual 4.1.3: the NISS is looked up before adding', () => {
  test('manual 4.1.3: a known NISS pre-fills the names', async () => {
    const person = personBody({ firstName: 'Sofie', lastName: 'Claes', title: 'Dr' });
    expect((await req('POST', `/enterprises/${w.enterpriseB}/co-access-managers`, w.tokens.raeB, person)).status).toBe(201);
    for (const token of [w.tokens.rae, w.tokens.coRae, w.tokens.glE, w.tokens.coGlE]) {
      const res = await req('GET', `/enterprises/${A()}/persons/${person.niss}`, token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ niss: person.niss, firstName: 'Sofie', lastName: 'Claes', title: 'Dr' });
    }
  });

  test('manual 4.1.3: an unknown NISS answers 404, an invalid one 400, and a user or another enterprise may not look', async () => {
    expect((await req('GET', `/enterprises/${A()}/persons/${personBody().niss}`, w.tokens.glE)).status).toBe(404);
    const invalid = await req('GET', `/enterprises/${A()}/persons/12345678901`, w.tokens.glE);
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('NISS_INVALID');
    const known = (await req('GET', `${Q()}/users/${w.personIds.userE}`, w.tokens.glE)).body.niss as string;
    expect((await req('GET', `/enterprises/${A()}/persons/${known}`, w.tokens.userE)).status).toBe(403);
    expect((await req('GET', `/enterprises/${A()}/persons/${known}`, w.tokens.raeB)).status).toBe(404);
  });
});

describe('manual 5.4.1: mandates readable where they are needed, ended and revoked by the contact centre', () => {
  const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const mandate = async (declarationTypes: string[]) => {
    const res = await req('POST', `/admin/enterprises/${A()}/mandates`, w.tokens.cc, { mandataryEnterpriseNumber: w.enterpriseB, declarationTypes, validFrom: '2020-01-01' });
    expect(res.status).toBe(201);
    return res.body.mandateId as string;
  };
  const ruleOf = async (declarationType: string) => (await req('GET', `${Q()}/routing`, w.tokens.glE)).body.items.find((r: any) => r.declarationType === declarationType);

  test('manual 5.4.1: the GL and co-GL read the mandates given, the mandatary those it holds and the rules naming it', async () => {
    const mandateId = await mandate(['drs-unemployment']);
    for (const token of [w.tokens.glE, w.tokens.coGlE, w.tokens.rae]) {
      const given = await req('GET', `/enterprises/${A()}/mandates`, token);
      expect(given.status).toBe(200);
      expect(given.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ mandateId, mandataryEnterpriseNumber: w.enterpriseB })]));
    }
    const received = await req('GET', `/enterprises/${w.enterpriseB}/mandates?direction=received`, w.tokens.raeB);
    expect(received.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ mandateId, enterpriseNumber: A() })]));
    expect((await req('GET', `/enterprises/${w.enterpriseB}/mandates`, w.tokens.raeB)).body.items).toEqual([]);
    expect((await req('GET', `/enterprises/${A()}/mandates`, w.tokens.userE)).status).toBe(403);
    expect((await req('GET', `/enterprises/${A()}/mandates?direction=sideways`, w.tokens.glE)).status).toBe(400);

    expect((await req('PUT', `${Q()}/routing/drs-unemployment`, w.tokens.glE, { recipient: w.enterpriseB })).status).toBe(200);
    const rules = await req('GET', `/enterprises/${w.enterpriseB}/routing/received`, w.tokens.raeB);
    expect(rules.status).toBe(200);
    expect(rules.body.items).toEqual([expect.objectContaining({ enterpriseNumber: A(), quality: 'employer', declarationType: 'drs-unemployment', recipient: w.enterpriseB, channel: 'ebox', state: 'active' })]);
    expect((await req('GET', `/enterprises/${w.enterpriseB}/routing/received`, w.tokens.glE)).status).toBe(404);
  });

  test('manual 5.4.1: a mandate the contact centre ends leaves the rules relying on it mandate-ended, audited', async () => {
    const mandateId = await mandate(['drs-work-accident']);
    expect((await req('PUT', `${Q()}/routing/drs-work-accident`, w.tokens.glE, { recipient: w.enterpriseB })).body.state).toBe('active');
    const bad = await req('PATCH', `/admin/enterprises/${A()}/mandates/${mandateId}`, w.tokens.cc, { validTo: '2019-12-31' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('OUT_OF_RANGE');
    expect((await ruleOf('drs-work-accident')).state).toBe('active');
    expect((await req('PATCH', `/admin/enterprises/${A()}/mandates/${mandateId}`, w.tokens.glE, { validTo: yesterday() })).status).toBe(403);
    const ended = await req('PATCH', `/admin/enterprises/${A()}/mandates/${mandateId}`, w.tokens.cc, { validTo: yesterday() });
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual(expect.objectContaining({ mandateId, validTo: yesterday() }));
    expect((await ruleOf('drs-work-accident')).state).toBe('mandate-ended');
    // The rule's change is recorded by whichever moved it first: this read or the routing module on the mandate's event.
    const audited = async () => (await req('GET', `/enterprises/${A()}/audit?pageSize=20`, w.tokens.rae)).body.items.map((a: any) => a.action) as string[];
    let audit = await audited();
    for (let i = 0; i < 50 && !audit.includes('routing-rule.mandate-ended'); i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      audit = await audited();
    }
    expect(audit).toEqual(expect.arrayContaining(['mandate.ended', 'routing-rule.mandate-ended']));
  });

  test('manual 5.4.1: a mandate the contact centre revokes is gone and its rules are mandate-ended; an unknown one is 404', async () => {
    const mandateId = await mandate(['drs-occupational-disease']);
    expect((await req('PUT', `${Q()}/routing/drs-occupational-disease`, w.tokens.glE, { recipient: w.enterpriseB })).body.state).toBe('active');
    expect((await req('DELETE', `/admin/enterprises/${A()}/mandates/${mandateId}`, w.tokens.cc)).status).toBe(204);
    expect((await req('GET', `/enterprises/${A()}/mandates`, w.tokens.glE)).body.items.map((m: any) => m.mandateId)).not.toContain(mandateId);
    expect((await ruleOf('drs-occupational-disease')).state).toBe('mandate-ended');
    expect((await req('DELETE', `/admin/enterprises/${A()}/mandates/${mandateId}`, w.tokens.cc)).status).toBe(404);
    expect((await req('DELETE', `/admin/enterprises/${w.enterpriseB}/mandates/${mandateId}`, w.tokens.cc)).status).toBe(404);
  });
});

describe('manual 7: the contact centre helps', () => {
  test('manual 7: the contact centre finds an enterprise by number or name, and a person by NISS or username with their roles', async () => {
    const byNumber = await req('GET', `/admin/enterprises?q=${A().slice(0, 8)}`, w.tokens.cc);
    expect(byNumber.status).toBe(200);
    expect(byNumber.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ enterpriseNumber: A(), name: 'Acme Belgium' })]));
    const byName = await req('GET', '/admin/enterprises?q=acme%20b', w.tokens.cc);
    expect(byName.body.items.map((e: any) => e.enterpriseNumber)).toEqual(expect.arrayContaining([A(), w.enterpriseB]));
    expect((await req('GET', '/admin/enterprises?q=(.*', w.tokens.cc)).body.items).toEqual([]);
    expect((await req('GET', `/admin/enterprises?q=${A()}`, w.tokens.rae)).status).toBe(403);

    const user = (await req('GET', `${Q()}/users/${w.personIds.userE}`, w.tokens.glE)).body;
    const byNiss = await req('GET', `/admin/persons?niss=${user.niss}`, w.tokens.cc);
    expect(byNiss.status).toBe(200);
    expect(byNiss.body.items).toEqual([
      expect.objectContaining({ personId: w.personIds.userE, username: user.username, passwordChangeRequired: false, roles: [expect.objectContaining({ kind: 'user', enterpriseNumber: A(), quality: 'employer' })] }),
    ]);
    expect((await req('GET', `/admin/persons?username=${user.username}`, w.tokens.cc)).body.items[0].personId).toBe(w.personIds.userE);
    expect((await req('GET', `/admin/persons?username=nobody0000000`, w.tokens.cc)).body.items).toEqual([]);
    expect((await req('GET', '/admin/persons', w.tokens.cc)).status).toBe(400);
    expect((await req('GET', `/admin/persons?niss=${user.niss}&username=${user.username}`, w.tokens.cc)).status).toBe(400);
  });

  test('manual 7: the contact centre unlocks a locked-out account, and the trail says so', async () => {
    const person = personBody();
    const { personId } = (await req('POST', `${Q()}/users`, w.tokens.glE, person)).body;
    for (let i = 0; i < 5; i += 1) await req('POST', '/auth/login', undefined, { username: person.username, password: 'Wrong#2026xx' });
    expect((await req('POST', '/auth/login', undefined, { username: person.username, password: GOOD_PASSWORD })).status).toBe(423);
    expect((await req('POST', `/admin/persons/${personId}/unlock`, w.tokens.glE)).status).toBe(403);
    expect((await req('POST', `/admin/persons/${personId}/unlock`, w.tokens.cc)).status).toBe(204);
    expect((await req('POST', '/auth/login', undefined, { username: person.username, password: GOOD_PASSWORD })).status).toBe(200);
    const audit = (await req('GET', `/enterprises/${A()}/audit?pageSize=20`, w.tokens.rae)).body.items;
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'person.unlocked', target: { type: 'person', id: personId }, actor: expect.objectContaining({ roleKind: 'contact-centre' }) })]));
  });

  test('manual 7: a GL who forgot their password gets a new one from the contact centre and must change it before anything else', async () => {
    const gl = personBody();
    const activated = await req('POST', `/enterprises/${A()}/qualities`, w.tokens.rae, { type: 'curator', localManager: gl });
    expect(activated.status).toBe(201);
    const personId = activated.body.personId as string;
    expect((await req('PUT', `/admin/persons/${personId}/password`, w.tokens.cc, { password: 'short' })).status).toBe(400);
    expect((await req('PUT', `/admin/persons/${personId}/password`, w.tokens.cc, { password: 'Temporary#26' })).status).toBe(204);
    expect((await req('POST', '/auth/login', undefined, { username: gl.username, password: GOOD_PASSWORD })).status).toBe(401);
    const login = await req('POST', '/auth/login', undefined, { username: gl.username, password: 'Temporary#26' });
    expect(login.status).toBe(200);
    expect(login.body.passwordChangeRequired).toBe(true);
    expect((await req('GET', `/admin/persons?username=${gl.username}`, w.tokens.cc)).body.items[0].passwordChangeRequired).toBe(true);
    const token = login.body.token as string;
    for (const [method, url, body] of [
      ['POST', '/auth/session/role', { roleId: login.body.roles[0].id }],
      ['GET', '/me', undefined],
      ['PATCH', '/me', { language: 'fr' }],
      ['GET', `/authorizations/check?application=dmfa&enterpriseNumber=${A()}`, undefined],
    ] as const) {
      const res = await req(method, url, token, body);
      expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 403, code: 'PASSWORD_CHANGE_REQUIRED' });
    }
    expect((await req('PUT', '/me/password', token, { currentPassword: 'Temporary#26', newPassword: 'MyOwn#2026xy' })).status).toBe(204);
    const again = await req('POST', '/auth/login', undefined, { username: gl.username, password: 'MyOwn#2026xy' });
    expect(again.body).not.toHaveProperty('passwordChangeRequired');
    const chosen = await req('POST', '/auth/session/role', again.body.token, { roleId: again.body.roles[0].id });
    expect(chosen.status).toBe(200);
    expect((await req('GET', `/enterprises/${A()}/qualities/curator`, chosen.body.token)).status).toBe(200);
    const audit = (await req('GET', `/enterprises/${A()}/audit?pageSize=20`, w.tokens.rae)).body.items;
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'person.password-reset', target: { type: 'person', id: personId } })]));
  });

  test('manual 7: the mark to change the password survives a restart of identity (it is stored on the account)', async () => {
    const person = personBody();
    const { personId } = (await req('POST', `${Q()}/users`, w.tokens.glE, person)).body;
    expect((await req('PUT', `/admin/persons/${personId}/password`, w.tokens.cc, { password: 'Temporary#26' })).status).toBe(204);
    const victim = sys.of('identity')[0]!;
    victim.child.kill('SIGKILL');
    await victim.exited;
    sys.startInstance('identity');
    // The new instance answers once it has joined; until then a login may find no identity (503).
    let login = await req('POST', '/auth/login', undefined, { username: person.username, password: 'Temporary#26' });
    for (let i = 0; i < 120 && login.status === 503; i += 1) {
      await new Promise((r) => setTimeout(r, 500));
      login = await req('POST', '/auth/login', undefined, { username: person.username, password: 'Temporary#26' });
    }
    expect(login.status).toBe(200);
    expect(login.body.passwordChangeRequired).toBe(true);
    expect((await req('GET', '/me', login.body.token)).body.code).toBe('PASSWORD_CHANGE_REQUIRED');
  });
});
