/**
 * Delegation that cannot be escaped (PRODUCT.md §7.1, issue 13).
 */

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

const req = (method: string, url: string, token: string | undefined, body?: unknown) => sys.api.request(method, url, { token, body });

describe('registry identifiers are the contact centre’s', () => {
  const employer = () => `/enterprises/${w.enterpriseA}/qualities/employer`;
  const registryNumber = async () => (await req('GET', employer(), w.tokens.rae)).body.data.employerRegistrationNumber as string;

  test.each(['rae', 'coRae', 'glE', 'coGlE'] as const)('when %s changes the employer registration number, then 403 REGISTRY_IDENTIFIER_CONTACT_CENTRE_ONLY and nothing changes', async (actor) => {
    const before = await registryNumber();
    const res = await req('PATCH', employer(), w.tokens[actor], { data: { employerRegistrationNumber: '999999999' }, contactEmail: 'x@acme.example' });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'REGISTRY_IDENTIFIER_CONTACT_CENTRE_ONLY' });
    expect(await registryNumber()).toBe(before);
    // The rest of the quality's details stay theirs; the current value sent again is no change.
    const ok = await req('PATCH', employer(), w.tokens[actor], { data: { employerRegistrationNumber: before }, contactEmail: `${actor.toLowerCase()}@acme.example` });
    expect(ok.status).toBe(200);
  });

  test('when the contact centre changes it through the admin route, then it changes; managers may not use that route', async () => {
    const url = `/admin${employer()}`;
    const res = await req('PATCH', url, w.tokens.cc, { employerRegistrationNumber: '0123456789' });
    expect(res.status).toBe(200);
    expect(res.body.data.employerRegistrationNumber).toBe('0123456789');
    expect(await registryNumber()).toBe('0123456789');
    expect((await req('PATCH', url, w.tokens.rae, { employerRegistrationNumber: '111111111' })).status).toBe(403);
    const wrongType = await req('PATCH', url, w.tokens.cc, { inamiNumber: '12345678' });
    expect({ status: wrongType.status, code: wrongType.body.code }).toEqual({ status: 400, code: 'UNKNOWN_FIELD' });
    const empty = await req('PATCH', url, w.tokens.cc, {});
    expect(empty.status).toBe(400);
    expect(await registryNumber()).toBe('0123456789');
  });
});

