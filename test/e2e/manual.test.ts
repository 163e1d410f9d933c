/**
 * Issue 14: the manual, complete (PRODUCT.md §7.2). One test per place where a person following
 * the manual would otherwise get stuck, named after the manual's section.
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
