/**
 * A populated world for permission and isolation tests: enterprise A with its RAE, a co-RAE, the
 * GL of `employer` (the quality under test), the GL of `mandatary` (another quality), a co-GL and a
 * user of `employer`; enterprise B with its RAE; the contact centre; and anonymous.
 */
import type { ApiClient } from '@um/devkit';
import { GOOD_PASSWORD, onboardingBody, personBody } from './fixtures';
import { expectOk } from './system';

export const ACTORS = ['rae', 'coRae', 'glE', 'glM', 'coGlE', 'userE', 'raeB', 'cc', 'anon'] as const;
export type Actor = (typeof ACTORS)[number];

export interface World {
  enterpriseA: string;
  enterpriseB: string;
  tokens: Record<Actor, string | undefined>;
  personIds: Partial<Record<Actor, string>>;
  api: ApiClient;
}

export async function buildWorld(api: ApiClient): Promise<World> {
  const cc = (await api.operator()).token;
  const a = onboardingBody({ eligibleQualities: ['employer', 'mandatary', 'curator', 'service-provider', 'approved-social-secretariat', 'full-service-secretariat'] });
  const b = onboardingBody();
  await expectOk('onboard A', api.post('/admin/enterprises', a, cc));
  await expectOk('onboard B', api.post('/admin/enterprises', b, cc));
  const A = a.enterpriseNumber;
  const rae = await api.loginAs(a.accessManager.username, GOOD_PASSWORD);
  const raeB = await api.loginAs(b.accessManager.username, GOOD_PASSWORD);

  const coRaeBody = personBody();
  const glEBody = personBody();
  const glMBody = personBody();
  const coGlEBody = personBody();
  const userEBody = personBody();
  const ids: Partial<Record<Actor, string>> = {};
  ids.coRae = (await expectOk<any>('co-RAE', api.post(`/enterprises/${A}/co-access-managers`, coRaeBody, rae.token))).personId;
  ids.glE = (await expectOk<any>('employer', api.post(`/enterprises/${A}/qualities`, { type: 'employer', data: { employerRegistrationNumber: '123456789' }, localManager: glEBody }, rae.token))).personId;
  ids.glM = (await expectOk<any>('mandatary', api.post(`/enterprises/${A}/qualities`, { type: 'mandatary', localManager: glMBody }, rae.token))).personId;
  // A third quality whose GL is nobody's actor: changing it harms no token.
  await expectOk('approved-social-secretariat', api.post(`/enterprises/${A}/qualities`, { type: 'approved-social-secretariat', localManager: personBody() }, rae.token));
  ids.coGlE = (await expectOk<any>('co-GL', api.post(`/enterprises/${A}/qualities/employer/co-local-managers`, coGlEBody, rae.token))).personId;
  ids.userE = (await expectOk<any>('user', api.request('PUT', `/enterprises/${A}/qualities/employer/technical-user`, { token: rae.token, body: userEBody }))).personId;

  const pick = (kind: string, quality?: string) => (r: { kind: string; enterpriseNumber?: string; quality?: string }) =>
    r.kind === kind && r.enterpriseNumber === A && (quality === undefined || r.quality === quality);
  const tokens: Record<Actor, string | undefined> = {
    rae: rae.token,
    coRae: (await api.loginAs(coRaeBody.username, GOOD_PASSWORD, pick('co-access-manager'))).token,
    glE: (await api.loginAs(glEBody.username, GOOD_PASSWORD, pick('local-manager', 'employer'))).token,
    glM: (await api.loginAs(glMBody.username, GOOD_PASSWORD, pick('local-manager', 'mandatary'))).token,
    coGlE: (await api.loginAs(coGlEBody.username, GOOD_PASSWORD, pick('co-local-manager', 'employer'))).token,
    userE: (await api.loginAs(userEBody.username, GOOD_PASSWORD, pick('user', 'employer'))).token,
    raeB: raeB.token,
    cc,
    anon: undefined,
  };
  return { enterpriseA: A, enterpriseB: b.enterpriseNumber, tokens, personIds: ids, api };
}
