/**
 * Issue 6 items 1 and 2 through the real processes: batch channels (the senders directory),
 * routing rules (recipient by the quality's managers, channel by the recipient's managers),
 * mandates, bad input (400 with codes, nothing changed), and the permission matrix (404 across
 * enterprises, every refusal leaves the audit trail as it was; every change adds to it).
 */
import { expectOk, startTestSystem, type TestSystem } from '../support/system';
import { ACTORS, buildWorld, type Actor, type World } from '../support/world';

let sys: TestSystem;
let w: World;
let A: string;
let B: string;

const req = (method: string, url: string, token: string | undefined, body?: unknown) => sys.api.request(method, url, { token, body });
const routing = (en: string, dt = '') => `/enterprises/${en}/qualities/employer/routing${dt ? `/${dt}` : ''}`;

async function auditOf(en: string, token: string | undefined): Promise<{ total: number; items: any[] }> {
  return expectOk('audit', req('GET', `/enterprises/${en}/audit?pageSize=5`, token));
}
async function channelsOf(en: string, token: string | undefined): Promise<any[]> {
  return (await expectOk('channels', req('GET', `/enterprises/${en}/batch-channels`, token))).items;
}
async function ruleOf(dt: string): Promise<any> {
  return (await expectOk('rules', req('GET', routing(A), w.tokens.rae))).items.find((r: any) => r.declarationType === dt);
}

beforeAll(async () => {
  sys = await startTestSystem();
  w = await buildWorld(sys.api);
  A = w.enterpriseA;
  B = w.enterpriseB;
});

afterAll(async () => {
  await sys?.shutdown();
});

describe('batch channels', () => {
  test('when a manager registers ftp, mqlink and isabel channels, then each answers 201 with its channelId and the list shows them after the eBox', async () => {
    const bodies = [
      { type: 'ftp', name: 'Main FTP', parameters: { host: 'ftp.acme.example', port: 2121, directory: '/drs/in' } },
      { type: 'mqlink', name: 'MQ', parameters: { queueManager: 'QM.ACME', queue: 'DRS.OUT' } },
      { type: 'isabel', name: 'Isabel', parameters: { mailbox: 'acme-drs' } },
    ];
    const ids: string[] = [];
    for (const body of bodies) {
      const res = await req('POST', `/enterprises/${A}/batch-channels`, w.tokens.coRae, body);
      expect(res.status).toBe(201);
      expect(res.body.channelId).toMatch(/^[0-9a-f]{24}$/);
      ids.push(res.body.channelId);
    }
    const items = await channelsOf(A, w.tokens.rae);
    expect(items[0]).toEqual(expect.objectContaining({ channelId: 'ebox', type: 'ebox' }));
    for (const [i, id] of ids.entries()) expect(items.find((c) => c.channelId === id)).toEqual(expect.objectContaining({ type: bodies[i]!.type, name: bodies[i]!.name, parameters: bodies[i]!.parameters }));
    const audit = await auditOf(A, w.tokens.rae);
    expect(audit.items.filter((a) => a.action === 'batch-channel.created').map((a) => a.target.id)).toEqual(expect.arrayContaining(ids.slice(-3).slice(-2)));
  });

  test.each([
    { label: 'an unknown channel type', body: { type: 'smtp', name: 'x', parameters: {} }, field: 'type' },
    { label: 'ftp without host', body: { type: 'ftp', name: 'x', parameters: {} }, field: 'parameters.host' },
    { label: 'ftp with a port out of range', body: { type: 'ftp', name: 'x', parameters: { host: 'h.example', port: 70000 } }, field: 'parameters.port', code: 'OUT_OF_RANGE' },
    { label: 'ftp with a relative directory', body: { type: 'ftp', name: 'x', parameters: { host: 'h.example', directory: 'in' } }, field: 'parameters.directory', code: 'INVALID_FORMAT' },
    { label: 'an mqlink parameter of another type', body: { type: 'mqlink', name: 'x', parameters: { queueManager: 'QM', queue: 'Q', mailbox: 'm' } }, field: 'parameters.mailbox', code: 'UNKNOWN_FIELD' },
    { label: 'isabel without mailbox', body: { type: 'isabel', name: 'x', parameters: { queue: 'Q' } }, field: 'parameters' },
    { label: 'an unknown top-level field', body: { type: 'isabel', name: 'x', parameters: { mailbox: 'm' }, owner: 'me' }, field: 'owner', code: 'UNKNOWN_FIELD' },
    { label: 'no name', body: { type: 'isabel', parameters: { mailbox: 'm' } }, field: 'name' },
  ])('when the body has $label, then 400 names the field and nothing is registered', async ({ body, field, code }) => {
    const before = await channelsOf(A, w.tokens.rae);
    const auditBefore = (await auditOf(A, w.tokens.rae)).total;
    const res = await req('POST', `/enterprises/${A}/batch-channels`, w.tokens.rae, body);
    expect(res.status).toBe(400);
    expect(typeof res.body.code).toBe('string');
    expect(res.body.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining([expect.stringContaining(field)]));
    if (code) expect(res.body.errors.find((e: any) => e.field.includes(field)).code).toBe(code);
    expect(await channelsOf(A, w.tokens.rae)).toEqual(before);
    expect((await auditOf(A, w.tokens.rae)).total).toBe(auditBefore);
  });

  test('when the eBox is deleted, then 409 CHANNEL_NOT_DELETABLE; an unknown id or another enterprise\'s channel 404', async () => {
    expect((await req('DELETE', `/enterprises/${A}/batch-channels/ebox`, w.tokens.rae)).body.code).toBe('CHANNEL_NOT_DELETABLE');
    expect((await req('DELETE', `/enterprises/${A}/batch-channels/${'0'.repeat(24)}`, w.tokens.rae)).status).toBe(404);
    const ofB = await expectOk('B channel', req('POST', `/enterprises/${B}/batch-channels`, w.tokens.raeB, { type: 'isabel', name: 'B', parameters: { mailbox: 'b' } }));
    expect((await req('DELETE', `/enterprises/${A}/batch-channels/${ofB.channelId}`, w.tokens.rae)).status).toBe(404);
    expect((await req('DELETE', `/enterprises/${B}/batch-channels/${ofB.channelId}`, w.tokens.rae)).status).toBe(404);
    expect((await channelsOf(B, w.tokens.raeB)).some((c) => c.channelId === ofB.channelId)).toBe(true);
    expect((await req('DELETE', `/enterprises/${A}/batch-channels/not-an-id`, w.tokens.rae)).status).toBe(400);
  });
});

describe('routing rules', () => {
  test('when nothing is set, then every declaration type is listed unset', async () => {
    const res = await req('GET', `/enterprises/${A}/qualities/approved-social-secretariat/routing`, w.tokens.rae);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { declarationType: 'drs-unemployment', recipient: null, channel: null, state: 'unset' },
      { declarationType: 'drs-sickness-invalidity', recipient: null, channel: null, state: 'unset' },
      { declarationType: 'drs-work-accident', recipient: null, channel: null, state: 'unset' },
      { declarationType: 'drs-occupational-disease', recipient: null, channel: null, state: 'unset' },
    ]);
  });

  test('when the GL makes the enterprise itself the recipient, then the rule is active on the eBox and audited', async () => {
    const res = await req('PUT', routing(A, 'drs-unemployment'), w.tokens.glE, { recipient: A });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ declarationType: 'drs-unemployment', recipient: A, channel: 'ebox', state: 'active' }));
    const audit = await auditOf(A, w.tokens.rae);
    expect(audit.items[0]).toEqual(expect.objectContaining({ action: 'routing-rule.recipient-set', quality: 'employer', after: expect.objectContaining({ recipient: A }) }));
  });

  test('when the recipient is an enterprise without a mandate, or with one that does not cover the type or is not valid today, then 400 NO_VALID_MANDATE and the rule is unchanged', async () => {
    const before = await ruleOf('drs-work-accident');
    const auditBefore = (await auditOf(A, w.tokens.rae)).total;
    const refused = async () => {
      const res = await req('PUT', routing(A, 'drs-work-accident'), w.tokens.glE, { recipient: B });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('NO_VALID_MANDATE');
      expect(res.body.errors[0].field).toBe('recipient');
    };
    await refused();
    await expectOk('other type', req('POST', `/admin/enterprises/${A}/mandates`, w.tokens.cc, { mandataryEnterpriseNumber: B, declarationTypes: ['drs-unemployment'], validFrom: '2020-01-01' }));
    await refused();
    await expectOk('future', req('POST', `/admin/enterprises/${A}/mandates`, w.tokens.cc, { mandataryEnterpriseNumber: B, declarationTypes: ['drs-work-accident'], validFrom: '2099-01-01' }));
    await refused();
    await expectOk('ended', req('POST', `/admin/enterprises/${A}/mandates`, w.tokens.cc, { mandataryEnterpriseNumber: B, declarationTypes: ['drs-work-accident'], validFrom: '2020-01-01', validTo: '2021-01-01' }));
    await refused();
    expect(await ruleOf('drs-work-accident')).toEqual(before);
    // The mandates registered above left their own records; the refusals none.
    expect((await auditOf(A, w.tokens.rae)).total).toBe(auditBefore + 3);
  });

  test('when the mandatary holds a mandate covering the type today, then it becomes the recipient on its eBox', async () => {
    await expectOk('mandate', req('POST', `/admin/enterprises/${A}/mandates`, w.tokens.cc, { mandataryEnterpriseNumber: B, declarationTypes: ['drs-work-accident', 'drs-sickness-invalidity'], validFrom: '2020-01-01', validTo: '2099-12-31' }));
    const res = await req('PUT', routing(A, 'drs-work-accident'), w.tokens.coGlE, { recipient: B });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ recipient: B, channel: 'ebox', state: 'active' }));
  });

  test('when the channel is chosen by the managers of the path\'s enterprise for a mandatary\'s rule, then 403 RECIPIENT_MANAGERS_ONLY and nothing changes', async () => {
    const ftpA = (await channelsOf(A, w.tokens.rae)).find((c) => c.type === 'ftp').channelId;
    for (const actor of ['rae', 'glE'] as const) {
      const res = await req('PUT', `${routing(A, 'drs-work-accident')}/channel`, w.tokens[actor], { channel: ftpA });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('RECIPIENT_MANAGERS_ONLY');
    }
    expect((await ruleOf('drs-work-accident')).channel).toBe('ebox');
  });

  test('when the mandatary\'s manager chooses one of its own channels, then the rule uses it; another\'s channel is 400 CHANNEL_NOT_OWNED', async () => {
    const isabelB = await expectOk('B channel', req('POST', `/enterprises/${B}/batch-channels`, w.tokens.raeB, { type: 'isabel', name: 'B isabel', parameters: { mailbox: 'b-drs' } }));
    const ftpA = (await channelsOf(A, w.tokens.rae)).find((c) => c.type === 'ftp').channelId;
    const notOwned = await req('PUT', `${routing(A, 'drs-work-accident')}/channel`, w.tokens.raeB, { channel: ftpA });
    expect(notOwned.status).toBe(400);
    expect(notOwned.body.code).toBe('CHANNEL_NOT_OWNED');
    const res = await req('PUT', `${routing(A, 'drs-work-accident')}/channel`, w.tokens.raeB, { channel: isabelB.channelId });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ recipient: B, channel: isabelB.channelId, state: 'active' }));
    expect(await ruleOf('drs-work-accident')).toEqual(expect.objectContaining({ channel: isabelB.channelId }));
    // Both trails show it: the enterprise's rule, and what the mandatary's managers did.
    expect((await auditOf(A, w.tokens.rae)).items[0]).toEqual(expect.objectContaining({ action: 'routing-rule.channel-set', actor: expect.objectContaining({ roleKind: 'access-manager' }) }));
    expect((await auditOf(B, w.tokens.raeB)).items[0]).toEqual(expect.objectContaining({ action: 'routing-rule.channel-set' }));
  });

  test('when the mandatary\'s manager acts on a rule whose recipient is the enterprise itself, or a rule not set, then 404', async () => {
    expect((await req('PUT', `${routing(A, 'drs-unemployment')}/channel`, w.tokens.raeB, { channel: 'ebox' })).status).toBe(404);
    expect((await req('PUT', `${routing(A, 'drs-occupational-disease')}/channel`, w.tokens.raeB, { channel: 'ebox' })).status).toBe(404);
    expect((await req('GET', routing(A), w.tokens.raeB)).status).toBe(404);
  });

  test('when the channel is chosen before the recipient, then 409 ROUTING_RULE_NOT_SET', async () => {
    const res = await req('PUT', `${routing(A, 'drs-occupational-disease')}/channel`, w.tokens.glE, { channel: 'ebox' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ROUTING_RULE_NOT_SET');
  });

  test('when the recipient\'s channel is deleted, then the rule is marked channel-deleted until its managers choose another', async () => {
    const ftp = await expectOk('ftp', req('POST', `/enterprises/${A}/batch-channels`, w.tokens.rae, { type: 'ftp', name: 'temp', parameters: { host: '10.0.0.1' } }));
    await expectOk('rule', req('PUT', `${routing(A, 'drs-unemployment')}/channel`, w.tokens.glE, { channel: ftp.channelId }));
    // The GL of another quality may not cut the employer's routing; the RAE side may.
    const auditBefore = (await auditOf(A, w.tokens.rae)).total;
    const refused = await req('DELETE', `/enterprises/${A}/batch-channels/${ftp.channelId}`, w.tokens.glM);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'CHANNEL_USED_BY_OTHER_QUALITY' });
    expect(await ruleOf('drs-unemployment')).toEqual(expect.objectContaining({ channel: ftp.channelId, state: 'active' }));
    expect((await channelsOf(A, w.tokens.rae)).some((c) => c.channelId === ftp.channelId)).toBe(true);
    expect((await auditOf(A, w.tokens.rae)).total).toBe(auditBefore);
    expect((await req('DELETE', `/enterprises/${A}/batch-channels/${ftp.channelId}`, w.tokens.coRae)).status).toBe(204);
    expect(await ruleOf('drs-unemployment')).toEqual(expect.objectContaining({ channel: ftp.channelId, state: 'channel-deleted' }));
    expect((await auditOf(A, w.tokens.rae)).items.map((a) => a.action)).toEqual(expect.arrayContaining(['routing-rule.channel-deleted', 'batch-channel.deleted']));
    const deleted = await req('PUT', `${routing(A, 'drs-unemployment')}/channel`, w.tokens.glE, { channel: ftp.channelId });
    expect(deleted.body.code).toBe('CHANNEL_NOT_OWNED');
    await expectOk('ebox', req('PUT', `${routing(A, 'drs-unemployment')}/channel`, w.tokens.glE, { channel: 'ebox' }));
    expect(await ruleOf('drs-unemployment')).toEqual(expect.objectContaining({ channel: 'ebox', state: 'active' }));
  });

  test("when another quality's GL deletes a channel at the very moment the employer's GL routes to it, then never both: the employer's rule is never cut by the other quality", async () => {
    await expectOk('recipient', req('PUT', routing(A, 'drs-unemployment'), w.tokens.glE, { recipient: A }));
    await expectOk('ebox', req('PUT', `${routing(A, 'drs-unemployment')}/channel`, w.tokens.glE, { channel: 'ebox' }));
    const outcomes: string[] = [];
    for (let round = 0; round < 12; round += 1) {
      const ftp = await expectOk('ftp', req('POST', `/enterprises/${A}/batch-channels`, w.tokens.rae, { type: 'ftp', name: `race ${round}`, parameters: { host: '10.0.0.2' } }));
      const [set, del] = await Promise.all([
        req('PUT', `${routing(A, 'drs-unemployment')}/channel`, w.tokens.glE, { channel: ftp.channelId }),
        req('DELETE', `/enterprises/${A}/batch-channels/${ftp.channelId}`, w.tokens.glM),
      ]);
      outcomes.push(`${set.status}/${del.status}`);
      const rule = await ruleOf('drs-unemployment');
      const channelLeft = (await channelsOf(A, w.tokens.rae)).some((c) => c.channelId === ftp.channelId);
      // At most one wins; the employer's rule is active, on the channel only if it still exists.
      expect(set.status === 200 && del.status === 204).toBe(false);
      expect(rule.state).toBe('active');
      if (set.status === 200) expect({ channel: rule.channel, channelLeft }).toEqual({ channel: ftp.channelId, channelLeft: true });
      if (del.status === 204) expect({ channel: rule.channel, channelLeft }).toEqual({ channel: 'ebox', channelLeft: false });
      await expectOk('back to ebox', req('PUT', `${routing(A, 'drs-unemployment')}/channel`, w.tokens.glE, { channel: 'ebox' }));
    }
    process.stdout.write(`set/delete outcomes: ${outcomes.join(' ')}\n`);
  });

  test("when the GL or co-GL deletes a channel only its own quality's rules use, then it is deleted and the rules become channel-deleted", async () => {
    for (const actor of ['glE', 'coGlE'] as const) {
      const isabel = await expectOk('isabel', req('POST', `/enterprises/${A}/batch-channels`, w.tokens.rae, { type: 'isabel', name: 'own', parameters: { mailbox: 'own-q' } }));
      await expectOk('rule', req('PUT', routing(A, 'drs-sickness-invalidity'), w.tokens.glE, { recipient: A }));
      await expectOk('channel', req('PUT', `${routing(A, 'drs-sickness-invalidity')}/channel`, w.tokens.glE, { channel: isabel.channelId }));
      expect((await req('DELETE', `/enterprises/${A}/batch-channels/${isabel.channelId}`, w.tokens[actor])).status).toBe(204);
      expect(await ruleOf('drs-sickness-invalidity')).toEqual(expect.objectContaining({ channel: isabel.channelId, state: 'channel-deleted' }));
    }
  });

  test.each([
    { label: 'an unknown declaration type', url: () => routing(A, 'drs-pension'), body: { recipient: A } },
    { label: 'an invalid enterprise number', url: () => routing(A, 'drs-unemployment'), body: { recipient: '0123456789' }, code: 'ENTERPRISE_NUMBER_INVALID' },
    { label: 'an unknown field', url: () => routing(A, 'drs-unemployment'), body: { recipient: A, channel: 'ebox' }, code: 'UNKNOWN_FIELD' },
    { label: 'a channel that is neither ebox nor an id', url: () => `${routing(A, 'drs-unemployment')}/channel`, body: { channel: 'fax' } },
    { label: 'an unknown quality type', url: () => `/enterprises/${A}/qualities/baker/routing/drs-unemployment`, body: { recipient: A } },
  ])('when a routing body or path has $label, then 400 and the rules are unchanged', async ({ url, body, code }) => {
    const before = (await expectOk('rules', req('GET', routing(A), w.tokens.rae))).items;
    const auditBefore = (await auditOf(A, w.tokens.rae)).total;
    const res = await req('PUT', url(), w.tokens.glE, body);
    expect(res.status).toBe(400);
    if (code) expect(res.body.code).toBe(code);
    expect((await expectOk('rules', req('GET', routing(A), w.tokens.rae))).items).toEqual(before);
    expect((await auditOf(A, w.tokens.rae)).total).toBe(auditBefore);
  });
});

describe('permission matrix', () => {
  type Expect = Record<Actor, number>;
  const row = (rae: number, coRae: number, glE: number, glM: number, coGlE: number, userE: number, raeB: number, cc: number): Expect => ({ rae, coRae, glE, glM, coGlE, userE, raeB, cc, anon: 401 });
  const freshChannel = async () => (await expectOk('channel', req('POST', `/enterprises/${A}/batch-channels`, w.tokens.rae, { type: 'isabel', name: 'm', parameters: { mailbox: 'matrix' } }))).channelId as string;
  const cases: Array<{ name: string; expect: Expect; prepare?: () => Promise<string>; send: (token: string | undefined, target: string) => Promise<{ status: number; body: any }> }> = [
    { name: 'GET /enterprises/{en}/batch-channels', expect: row(200, 200, 200, 200, 200, 403, 404, 403), send: (t) => req('GET', `/enterprises/${A}/batch-channels`, t) },
    { name: 'POST /enterprises/{en}/batch-channels', expect: row(201, 201, 201, 201, 201, 403, 404, 403), send: (t) => req('POST', `/enterprises/${A}/batch-channels`, t, { type: 'isabel', name: 'm', parameters: { mailbox: 'x' } }) },
    { name: 'DELETE /enterprises/{en}/batch-channels/{id}', expect: row(204, 204, 204, 204, 204, 403, 404, 403), prepare: freshChannel, send: (t, id) => req('DELETE', `/enterprises/${A}/batch-channels/${id}`, t) },
    { name: 'GET …/qualities/{type}/routing', expect: row(200, 200, 200, 403, 200, 403, 404, 403), send: (t) => req('GET', routing(A), t) },
    { name: 'PUT …/routing/{declarationType}', expect: row(200, 200, 200, 403, 200, 403, 404, 403), send: (t) => req('PUT', routing(A, 'drs-unemployment'), t, { recipient: A }) },
    { name: 'PUT …/routing/{declarationType}/channel', expect: row(200, 200, 200, 403, 200, 403, 404, 403), send: (t) => req('PUT', `${routing(A, 'drs-unemployment')}/channel`, t, { channel: 'ebox' }) },
    { name: 'GET …/qualities/{type}/structured-messages', expect: row(200, 200, 200, 403, 200, 403, 404, 403), send: (t) => req('GET', `/enterprises/${A}/qualities/employer/structured-messages`, t) },
  ];

  describe.each(cases)('$name', (route) => {
    test.each(ACTORS.map((actor) => [actor, route.expect[actor]] as const))('when called by %s, then %i', async (actor, status) => {
      const target = route.prepare ? await route.prepare() : '';
      const before = (await auditOf(A, w.tokens.rae)).total;
      const res = await route.send(w.tokens[actor], target);
      expect(res.status).toBe(status);
      if (status >= 400) {
        expect(res.body.code).toEqual(({ 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' } as Record<number, string>)[status]);
        expect((await auditOf(A, w.tokens.rae)).total).toBe(before);
      }
    });
  });
});
