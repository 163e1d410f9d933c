/**
 * Issue 4: bad input on every administration route answers 400 with its code and field, and
 * changes nothing (the audit trail of the enterprise keeps its size).
 */
import { GOOD_PASSWORD, onboardingBody, personBody } from '../support/fixtures';
import { startTestSystem, type TestSystem } from '../support/system';

let sys: TestSystem;
let cc: string;
let en: string;
let rae: string;
let coRaeId: string;
let coGlId: string;

beforeAll(async () => {
  sys = await startTestSystem();
  cc = (await sys.api.operator()).token;
  const body = onboardingBody({ eligibleQualities: ['employer', 'curator'] });
  await sys.api.post('/admin/enterprises', body, cc);
  en = body.enterpriseNumber;
  rae = (await sys.api.loginAs(body.accessManager.username, GOOD_PASSWORD)).token;
  await sys.api.post(`/enterprises/${en}/qualities`, { type: 'curator', localManager: personBody() }, rae);
  coRaeId = (await sys.api.post(`/enterprises/${en}/co-access-managers`, personBody(), rae)).body.personId;
  coGlId = (await sys.api.post(`/enterprises/${en}/qualities/curator/co-local-managers`, personBody(), rae)).body.personId;
});
afterAll(async () => {
  await sys?.shutdown();
});

type Case = [label: string, method: string, url: () => string, body: unknown, code: string, field: string, as?: 'cc'];

const cases: Case[] = [
  ['co-RAE with a bad NISS', 'POST', () => `/enterprises/${en}/co-access-managers`, personBody({ niss: '12345678901' }), 'NISS_INVALID', 'niss'],
  ['co-RAE with a weak password', 'POST', () => `/enterprises/${en}/co-access-managers`, personBody({ password: 'password' }), 'PASSWORD_POLICY', 'password'],
  ['co-RAE with an unknown language', 'POST', () => `/enterprises/${en}/co-access-managers`, personBody({ language: 'xx' }), 'UNKNOWN_VALUE', 'language'],
  ['co-RAE edit with a bad e-mail', 'PATCH', () => `/enterprises/${en}/co-access-managers/${coRaeId}`, { emails: ['nope'] }, 'INVALID_FORMAT', 'emails.0'],
  ['co-RAE edit with an unknown field', 'PATCH', () => `/enterprises/${en}/co-access-managers/${coRaeId}`, { isAdmin: true }, 'UNKNOWN_FIELD', 'isAdmin'],
  ['co-RAE edit with a wrong type', 'PATCH', () => `/enterprises/${en}/co-access-managers/${coRaeId}`, { firstName: 7 }, 'WRONG_TYPE', 'firstName'],
  ['co-RAE id that is not an id', 'POST', () => `/enterprises/${en}/co-access-managers/$where/block`, undefined, 'INVALID_FORMAT', 'personId'],
  ['co-RAE password reset breaking the policy', 'PUT', () => `/enterprises/${en}/co-access-managers/${coRaeId}/password`, { password: 'short 1' }, 'PASSWORD_POLICY', 'password'],
  ['activation with an unknown field', 'POST', () => `/enterprises/${en}/qualities`, { type: 'employer', data: { employerRegistrationNumber: '123456789' }, localManager: personBody(), x: 1 }, 'UNKNOWN_FIELD', 'x'],
  ['activation with a GL whose username breaks the rules', 'POST', () => `/enterprises/${en}/qualities`, { type: 'employer', data: { employerRegistrationNumber: '123456789' }, localManager: personBody({ username: 'Bad User' }) }, 'USERNAME_POLICY', 'localManager.username'],
  ['quality type in the path that does not exist', 'GET', () => `/enterprises/${en}/qualities/pirate`, undefined, 'UNKNOWN_VALUE', 'type'],
  ['quality patch with a wrong type', 'PATCH', () => `/enterprises/${en}/qualities/curator`, { contactEmail: 42 }, 'WRONG_TYPE', 'contactEmail'],
  ['GL with a bad NISS', 'PUT', () => `/enterprises/${en}/qualities/curator/local-manager`, personBody({ niss: 'abc' }), 'NISS_INVALID', 'niss'],
  ['technical user with neither personId nor a person', 'PUT', () => `/enterprises/${en}/qualities/curator/technical-user`, { name: 'x' }, 'UNKNOWN_VALUE', '(body)'],
  ['co-GL with a bad NISS', 'POST', () => `/enterprises/${en}/qualities/curator/co-local-managers`, personBody({ niss: '85073003329' }), 'NISS_INVALID', 'niss'],
  ['co-GL id that is not an id', 'DELETE', () => `/enterprises/${en}/qualities/curator/co-local-managers/abc`, undefined, 'INVALID_FORMAT', 'personId'],
  ['audit page 0', 'GET', () => `/enterprises/${en}/audit?page=0`, undefined, 'OUT_OF_RANGE', 'page'],
  ['audit with an unknown parameter', 'GET', () => `/enterprises/${en}/audit?sort=$natural`, undefined, 'UNKNOWN_FIELD', 'sort'],
  ['RAE transfer with a bad NISS', 'PUT', () => `/admin/enterprises/${en}/access-manager`, personBody({ niss: '1' }), 'NISS_INVALID', 'niss', 'cc'],
  ['mandate with no declaration type', 'POST', () => `/admin/enterprises/${en}/mandates`, { mandataryEnterpriseNumber: '0403170701', declarationTypes: [], validFrom: '2026-01-01' }, 'OUT_OF_RANGE', 'declarationTypes', 'cc'],
];

// A rest parameter: jest would take a 7th declared parameter for `done` on the 6-entry rows.
test.each(cases)('when %s, then 400 and nothing changes', async (...row: Case) => {
  const [, method, url, body, code, field, as] = row;
  const before = (await sys.api.get(`/enterprises/${en}/audit?pageSize=1`, rae)).body.total;
  const res = await sys.api.request(method, url(), { token: as === 'cc' ? cc : rae, body });
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
  expect((await sys.api.get(`/enterprises/${en}/audit?pageSize=1`, rae)).body.total).toBe(before);
});

test('when blocking a co-GL twice, then the second is harmless and the co-GL stays blocked', async () => {
  await sys.api.request('POST', `/enterprises/${en}/qualities/curator/co-local-managers/${coGlId}/block`, { token: rae });
  const again = await sys.api.request('POST', `/enterprises/${en}/qualities/curator/co-local-managers/${coGlId}/block`, { token: rae });
  expect(again.status).toBe(200);
  expect(again.body.status).toBe('blocked');
});
