/**
 * Issue 4: enterprise and quality administration, rule by rule, through the real processes.
 */
import { GOOD_PASSWORD, onboardingBody, personBody } from '../support/fixtures';
import { startTestSystem, type TestSystem } from '../support/system';

let sys: TestSystem;
let cc: string;

beforeAll(async () => {
  sys = await startTestSystem();
  cc = (await sys.api.operator()).token;
});
afterAll(async () => {
  await sys?.shutdown();
});

const req = (method: string, url: string, token: string | undefined, body?: unknown) => sys.api.request(method, url, { token, body });

/** A fresh enterprise with its RAE logged in (role chosen). */
async function enterprise(eligibleQualities = ['employer', 'mandatary', 'hospital-care-provider', 'curator']) {
  const body = onboardingBody({ eligibleQualities });
  const res = await sys.api.post('/admin/enterprises', body, cc);
  expect(res.status).toBe(201);
  const rae = await sys.api.loginAs(body.accessManager.username, GOOD_PASSWORD);
  return { en: body.enterpriseNumber, rae: rae.token, raeBody: body.accessManager, raePersonId: res.body.personId as string };
}

async function auditTotal(en: string, token: string): Promise<number> {
  return (await req('GET', `/enterprises/${en}/audit?pageSize=1`, token)).body.total;
}

describe('contact centre', () => {
  test('when the RAE is replaced, then the new one holds the role and the old one loses it and its RAE session', async () => {
    const e = await enterprise();
    const next = personBody();
    const res = await req('PUT', `/admin/enterprises/${e.en}/access-manager`, cc, next);
    expect(res.status).toBe(200);
    expect((await sys.api.get(`/enterprises/${e.en}`, e.rae)).status).toBe(401);
    const oldLogin = await sys.api.post('/auth/login', { username: e.raeBody.username, password: GOOD_PASSWORD });
    expect(oldLogin.body.roles).toEqual([]);
    const newRae = await sys.api.loginAs(next.username, GOOD_PASSWORD);
    const read = await sys.api.get(`/enterprises/${e.en}`, newRae.token);
    expect(read.status).toBe(200);
    expect(read.body.accessManager.personId).toBe(res.body.personId);
  });

  test('when a mandate is registered, then the enterprise managers read it; bad mandates are refused with their code', async () => {
    const e = await enterprise();
    const m = await enterprise();
    const good = { mandataryEnterpriseNumber: m.en, declarationTypes: ['drs-unemployment', 'drs-work-accident'], validFrom: '2026-01-01', validTo: '2027-12-31' };
    const created = await req('POST', `/admin/enterprises/${e.en}/mandates`, cc, good);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ enterpriseNumber: e.en, ...good, mandateId: expect.any(String) });
    const list = await req('GET', `/enterprises/${e.en}/mandates`, e.rae);
    expect(list.body.items).toEqual([created.body]);

    const bad: Array<[Record<string, unknown>, string, string]> = [
      [{ ...good, mandataryEnterpriseNumber: '0202239951' }, 'MANDATARY_UNKNOWN', 'mandataryEnterpriseNumber'],
      [{ ...good, mandataryEnterpriseNumber: e.en }, 'MANDATARY_UNKNOWN', 'mandataryEnterpriseNumber'],
      [{ ...good, declarationTypes: ['drs-pirates'] }, 'UNKNOWN_VALUE', 'declarationTypes.0'],
      [{ ...good, validFrom: '2027-01-01', validTo: '2026-01-01' }, 'OUT_OF_RANGE', 'validTo'],
      [{ ...good, validFrom: 'yesterday' }, 'INVALID_FORMAT', 'validFrom'],
      [{ ...good, extra: 1 }, 'UNKNOWN_FIELD', 'extra'],
    ];
    for (const [body, code, field] of bad) {
      const res = await req('POST', `/admin/enterprises/${e.en}/mandates`, cc, body);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code });
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
    }
    expect((await req('GET', `/enterprises/${e.en}/mandates`, e.rae)).body.items).toHaveLength(1);
    expect((await req('POST', '/admin/enterprises/0202239951/mandates', cc, good)).status).toBe(404);
  });
});

describe('qualities', () => {
  test('when a quality is activated, then it is listed with its applications and its GL can log in to it', async () => {
    const e = await enterprise();
    const gl = personBody();
    const res = await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'employer', data: { employerRegistrationNumber: '1234567890', contactEmail: 'hr@acme.example' }, localManager: gl });
    expect(res.status).toBe(201);
    const list = await req('GET', `/enterprises/${e.en}/qualities`, e.rae);
    expect(list.body.items).toEqual([expect.objectContaining({ type: 'employer', contactEmail: 'hr@acme.example', applications: ['dimona', 'dmfa', 'drs', 'ebox'] })]);
    const eligible = await req('GET', `/enterprises/${e.en}/eligible-qualities`, e.rae);
    expect(eligible.body.items.find((i: { type: string }) => i.type === 'employer').active).toBe(true);
    expect(eligible.body.items.find((i: { type: string }) => i.type === 'mandatary').active).toBe(false);
    const glSession = await sys.api.loginAs(gl.username, GOOD_PASSWORD);
    const details = await req('GET', `/enterprises/${e.en}/qualities/employer`, glSession.token);
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({ type: 'employer', data: { employerRegistrationNumber: '1234567890' }, localManager: { personId: res.body.personId } });
    expect(details.body.localManager).not.toHaveProperty('passwordHash');
  });

  test('when activating a quality the enterprise is not eligible for, then 400 QUALITY_NOT_ELIGIBLE; twice the same, then 409', async () => {
    const e = await enterprise(['mandatary']);
    const notEligible = await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'curator', localManager: personBody() });
    expect(notEligible.status).toBe(400);
    expect(notEligible.body.code).toBe('QUALITY_NOT_ELIGIBLE');
    expect((await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'mandatary', localManager: personBody() })).status).toBe(201);
    const again = await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'mandatary', localManager: personBody() });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('QUALITY_ALREADY_ACTIVE');
  });

  test('when the same quality is activated twice at once, then one activation wins (201) and the other answers 409; one quality is listed', async () => {
    const e = await enterprise(['mandatary']);
    const both = await Promise.all([0, 1].map(() => req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'mandatary', localManager: personBody() })));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const listed = await req('GET', `/enterprises/${e.en}/qualities`, e.rae);
    expect(listed.body.items.map((q: { type: string }) => q.type)).toEqual(['mandatary']);
  });

  test.each([
    ['employer without its registration number', { type: 'employer', data: {} }, 'data.employerRegistrationNumber'],
    ['employer with a 8-digit registration number', { type: 'employer', data: { employerRegistrationNumber: '12345678' } }, 'data.employerRegistrationNumber'],
    ['hospital without its INAMI number', { type: 'hospital-care-provider', data: {} }, 'data.inamiNumber'],
    ['hospital with a 12-digit INAMI number', { type: 'hospital-care-provider', data: { inamiNumber: '123456789012' } }, 'data.inamiNumber'],
    ['a field another type uses', { type: 'mandatary', data: { inamiNumber: '12345678' } }, 'data.inamiNumber'],
    ['a bad contact e-mail', { type: 'curator', data: { contactEmail: 'not-an-email' } }, 'data.contactEmail'],
    ['an unknown quality type', { type: 'pirate', data: {} }, 'type'],
  ])('when the activation has %s, then 400 naming %s and nothing is activated', async (_label, partial, field) => {
    const e = await enterprise();
    const before = await auditTotal(e.en, e.rae);
    const res = await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { ...partial, localManager: personBody() });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((x: { field: string }) => x.field)).toContain(field);
    expect((await req('GET', `/enterprises/${e.en}/qualities`, e.rae)).body.items).toEqual([]);
    expect(await auditTotal(e.en, e.rae)).toBe(before);
  });

  test('when the GL step fails (username taken), then the quality is not left activated and can be activated later', async () => {
    const e = await enterprise();
    const res = await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'curator', localManager: personBody({ username: e.raeBody.username }) });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('USERNAME_TAKEN');
    expect((await req('GET', `/enterprises/${e.en}/qualities`, e.rae)).body.items).toEqual([]);
    expect((await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'curator', localManager: personBody() })).status).toBe(201);
  });

  test('when the GL is an existing person (same NISS), then the person is reused and keeps their other roles', async () => {
    const e = await enterprise();
    const res = await req('POST', `/enterprises/${e.en}/qualities`, e.rae, {
      type: 'curator',
      localManager: { niss: e.raeBody.niss, firstName: 'ANN', lastName: 'peeters', language: 'fr' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ personId: e.raePersonId, created: false });
    const login = await sys.api.post('/auth/login', { username: e.raeBody.username, password: GOOD_PASSWORD });
    expect(login.body.roles.map((r: { kind: string }) => r.kind).sort()).toEqual(['access-manager', 'local-manager']);
  });

  test('when quality details are patched, then the contact e-mail is validated and the data keeps its type rules', async () => {
    const e = await enterprise();
    await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'employer', data: { employerRegistrationNumber: '123456789' }, localManager: personBody() });
    const ok = await req('PATCH', `/enterprises/${e.en}/qualities/employer`, e.rae, { contactEmail: 'payroll@acme.example' });
    expect(ok.status).toBe(200);
    expect(ok.body.contactEmail).toBe('payroll@acme.example');
    expect(ok.body.applications).toEqual(['dimona', 'dmfa', 'drs', 'ebox']);
    const before = await auditTotal(e.en, e.rae);
    const badEmail = await req('PATCH', `/enterprises/${e.en}/qualities/employer`, e.rae, { contactEmail: 'nope' });
    expect(badEmail.status).toBe(400);
    const badData = await req('PATCH', `/enterprises/${e.en}/qualities/employer`, e.rae, { data: { employerRegistrationNumber: 'x' } });
    expect(badData.status).toBe(400);
    expect(badData.body.errors[0].field).toBe('data.employerRegistrationNumber');
    const unknown = await req('PATCH', `/enterprises/${e.en}/qualities/employer`, e.rae, { data: { inamiNumber: '12345678' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('UNKNOWN_FIELD');
    expect(await auditTotal(e.en, e.rae)).toBe(before);
    expect((await req('GET', `/enterprises/${e.en}/qualities/employer`, e.rae)).body.contactEmail).toBe('payroll@acme.example');
    expect((await req('GET', `/enterprises/${e.en}/qualities/curator`, e.rae)).status).toBe(404);
  });
});

describe('managers', () => {
  test('when the GL is changed, then the old GL loses the role and its session; the new one gets it', async () => {
    const e = await enterprise();
    const first = personBody();
    await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'curator', localManager: first });
    const firstSession = await sys.api.loginAs(first.username, GOOD_PASSWORD);
    const second = personBody();
    const res = await req('PUT', `/enterprises/${e.en}/qualities/curator/local-manager`, e.rae, second);
    expect(res.status).toBe(200);
    expect((await req('GET', `/enterprises/${e.en}/qualities/curator`, firstSession.token)).status).toBe(401);
    const secondSession = await sys.api.loginAs(second.username, GOOD_PASSWORD);
    expect((await req('GET', `/enterprises/${e.en}/qualities/curator`, secondSession.token)).body.localManager.personId).toBe(res.body.personId);
  });

  test('when the RAE manages a co-RAE, then designate, edit, block (next request refused), unblock, reset password and delete work', async () => {
    const e = await enterprise();
    const co = personBody();
    const designated = await req('POST', `/enterprises/${e.en}/co-access-managers`, e.rae, co);
    expect(designated.status).toBe(201);
    const id = designated.body.personId;
    const coSession = await sys.api.loginAs(co.username, GOOD_PASSWORD);
    expect((await req('GET', `/enterprises/${e.en}`, coSession.token)).status).toBe(200);

    const edited = await req('PATCH', `/enterprises/${e.en}/co-access-managers/${id}`, e.rae, { language: 'de', emails: ['co@acme.example'] });
    expect(edited.body).toMatchObject({ personId: id, language: 'de', emails: ['co@acme.example'], kind: 'co-access-manager', status: 'active' });

    expect((await req('POST', `/enterprises/${e.en}/co-access-managers/${id}/block`, e.rae)).body.status).toBe('blocked');
    expect((await req('GET', `/enterprises/${e.en}`, coSession.token)).status).toBe(401);
    expect((await sys.api.post('/auth/login', { username: co.username, password: GOOD_PASSWORD })).body.roles).toEqual([]);

    expect((await req('POST', `/enterprises/${e.en}/co-access-managers/${id}/unblock`, e.rae)).body.status).toBe('active');
    const again = await sys.api.loginAs(co.username, GOOD_PASSWORD);
    expect((await req('GET', `/enterprises/${e.en}`, again.token)).status).toBe(200);

    expect((await req('PUT', `/enterprises/${e.en}/co-access-managers/${id}/password`, e.rae, { password: 'Changed#2026' })).status).toBe(204);
    expect((await req('GET', `/enterprises/${e.en}`, again.token)).status).toBe(401);
    const afterReset = await sys.api.loginAs(co.username, 'Changed#2026');

    expect((await req('DELETE', `/enterprises/${e.en}/co-access-managers/${id}`, e.rae)).status).toBe(204);
    expect((await req('GET', `/enterprises/${e.en}`, afterReset.token)).status).toBe(401);
    expect((await req('GET', `/enterprises/${e.en}/co-access-managers`, e.rae)).body.items).toEqual([]);
  });

  test('when the RAE designates itself as co-RAE, then 409; blocking or deleting itself through the co-RAE routes is 403', async () => {
    const e = await enterprise();
    const self = await req('POST', `/enterprises/${e.en}/co-access-managers`, e.rae, { niss: e.raeBody.niss, firstName: 'Ann', lastName: 'Peeters', language: 'nl' });
    expect(self.status).toBe(409);
    expect((await req('POST', `/enterprises/${e.en}/co-access-managers/${e.raePersonId}/block`, e.rae)).status).toBe(403);
    expect((await req('DELETE', `/enterprises/${e.en}/co-access-managers/${e.raePersonId}`, e.rae)).status).toBe(403);
    // The contact centre's transfer is the only way the RAE changes.
    expect((await sys.api.get(`/enterprises/${e.en}`, e.rae)).body.accessManager.personId).toBe(e.raePersonId);
  });

  test('when a manager tries to block or delete themselves, then 403 and nothing changes', async () => {
    const e = await enterprise();
    await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'curator', localManager: personBody() });
    const co = personBody();
    const coId = (await req('POST', `/enterprises/${e.en}/co-access-managers`, e.rae, co)).body.personId;
    // The same person is also a co-GL of curator; acting as co-RAE, they try to block that co-GL: themselves.
    await req('POST', `/enterprises/${e.en}/qualities/curator/co-local-managers`, e.rae, { niss: co.niss, firstName: 'ann', lastName: 'peeters', language: 'nl' });
    const coSession = await sys.api.loginAs(co.username, GOOD_PASSWORD, (r) => r.kind === 'co-access-manager');
    const before = await auditTotal(e.en, e.rae);
    const block = await req('POST', `/enterprises/${e.en}/qualities/curator/co-local-managers/${coId}/block`, coSession.token);
    expect(block.status).toBe(403);
    const del = await req('DELETE', `/enterprises/${e.en}/qualities/curator/co-local-managers/${coId}`, coSession.token);
    expect(del.status).toBe(403);
    expect(await auditTotal(e.en, e.rae)).toBe(before);
  });

  test('when the GL manages co-GLs, then it may; a co-GL may not (403)', async () => {
    const e = await enterprise();
    const gl = personBody();
    await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'curator', localManager: gl });
    const glSession = await sys.api.loginAs(gl.username, GOOD_PASSWORD);
    const coGl = personBody();
    const created = await req('POST', `/enterprises/${e.en}/qualities/curator/co-local-managers`, glSession.token, coGl);
    expect(created.status).toBe(201);
    const coGlSession = await sys.api.loginAs(coGl.username, GOOD_PASSWORD);
    expect((await req('POST', `/enterprises/${e.en}/qualities/curator/co-local-managers`, coGlSession.token, personBody())).status).toBe(403);
    expect((await req('GET', `/enterprises/${e.en}/qualities/curator/co-local-managers`, glSession.token)).body.items).toEqual([
      expect.objectContaining({ personId: created.body.personId, kind: 'co-local-manager', status: 'active', quality: 'curator' }),
    ]);
    expect((await req('POST', `/enterprises/${e.en}/qualities/curator/co-local-managers/${created.body.personId}/block`, glSession.token)).body.status).toBe('blocked');
    expect((await req('GET', `/enterprises/${e.en}/qualities/curator`, coGlSession.token)).status).toBe(401);
  });
});

describe('technical user', () => {
  test('when designated by NISS and then replaced by an existing member, then exactly one technical user is shown', async () => {
    const e = await enterprise();
    const gl = personBody();
    const activated = await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'curator', localManager: gl });
    const first = await req('PUT', `/enterprises/${e.en}/qualities/curator/technical-user`, e.rae, personBody());
    expect(first.status).toBe(200);
    expect((await req('GET', `/enterprises/${e.en}/qualities/curator`, e.rae)).body.technicalUser.personId).toBe(first.body.personId);
    const second = await req('PUT', `/enterprises/${e.en}/qualities/curator/technical-user`, e.rae, { personId: activated.body.personId });
    expect(second.status).toBe(200);
    const details = await req('GET', `/enterprises/${e.en}/qualities/curator`, e.rae);
    expect(details.body.technicalUser.personId).toBe(activated.body.personId);
  });

  test('when the personId is not an active member of the quality, then 404', async () => {
    const e = await enterprise();
    await req('POST', `/enterprises/${e.en}/qualities`, e.rae, { type: 'curator', localManager: personBody() });
    const res = await req('PUT', `/enterprises/${e.en}/qualities/curator/technical-user`, e.rae, { personId: e.raePersonId });
    expect(res.status).toBe(404);
    const bad = await req('PUT', `/enterprises/${e.en}/qualities/curator/technical-user`, e.rae, { personId: 'nope' });
    expect(bad.status).toBe(400);
  });
});

describe('audit', () => {
  test('when changes are made, then the trail lists them newest first with actor, role, target, before/after and request id', async () => {
    const e = await enterprise();
    const requestId = `audit-${Date.now()}`;
    await sys.api.request('POST', `/enterprises/${e.en}/qualities`, { token: e.rae, body: { type: 'curator', localManager: personBody() }, headers: { 'x-request-id': requestId } });
    await req('PATCH', `/enterprises/${e.en}/qualities/curator`, e.rae, { contactEmail: 'a@acme.example' });
    const page = await req('GET', `/enterprises/${e.en}/audit?page=1&pageSize=2`, e.rae);
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items.map((i: { action: string }) => i.action)).toEqual(['quality.updated', 'quality.activated']);
    expect(page.body.items[1]).toMatchObject({
      actor: { personId: e.raePersonId, roleKind: 'access-manager' },
      target: { type: 'quality', id: 'curator' },
      quality: 'curator',
      requestId,
    });
    expect(page.body.items[0].after).toMatchObject({ contactEmail: 'a@acme.example' });
    const last = await req('GET', `/enterprises/${e.en}/audit?page=2&pageSize=2`, e.rae);
    expect(last.body.items.map((i: { action: string }) => i.action)).toEqual(['enterprise.onboarded']);
    expect((await req('GET', `/enterprises/${e.en}/audit?pageSize=1000`, e.rae)).status).toBe(400);
  });
});
