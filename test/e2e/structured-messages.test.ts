/**
 * Issue 6 items 3 and 4: structured messages published on NATS JetStream (by the batch-channel
 * simulator, as a channel adapter would) are authenticated, checked, de-duplicated, routed by the
 * rules, stored, and listed through HTTP — through the real processes, NATS and the store.
 */
import { Types } from 'mongoose';
import type { ServiceBroker } from 'moleculer';
import { batchSend, inboundSubject, publishRaw, type BatchSendOptions } from '../../libs/devkit/src/cli/batch-send';
import { expectOk, startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';
import { OutcomeWatcher, clientBroker, natsUrlOf, storeOf, technicalUser, usernameOf } from './structured-messages.helpers';

let sys: TestSystem;
let w: World;
let watcher: OutcomeWatcher;
let broker: ServiceBroker;
let tu: { username: string; password: string; personId: string };
let A: string;
let B: string;
/** A's ftp channel, used as an inbound channel. */
let ftpA: string;

const req = (method: string, url: string, token: string | undefined, body?: unknown) => sys.api.request(method, url, { token, body });

function send(overrides: Partial<BatchSendOptions> = {}) {
  return batchSend({
    gatewayUrl: sys.baseUrl,
    natsUrl: natsUrlOf(sys),
    namespace: sys.namespace,
    enterpriseNumber: A,
    quality: 'employer',
    declarationType: 'drs-unemployment',
    channel: 'ebox',
    count: 1,
    username: tu.username,
    password: tu.password,
    ...overrides,
  });
}

async function sendAndWait(overrides: Partial<BatchSendOptions> = {}) {
  const sent = await send(overrides);
  return { sent, outcomes: await watcher.waitFor(sent.messageIds) };
}


beforeAll(async () => {
  sys = await startTestSystem();
  w = await buildWorld(sys.api);
  A = w.enterpriseA;
  B = w.enterpriseB;
  watcher = await OutcomeWatcher.start(sys);
  broker = await clientBroker(sys);
  tu = await technicalUser(sys, w);
  ftpA = (await expectOk('ftp channel', req('POST', `/enterprises/${A}/batch-channels`, w.tokens.rae, { type: 'ftp', name: 'ftp A', parameters: { host: 'ftp.a.example' } }))).channelId;
  await expectOk('rule', req('PUT', `/enterprises/${A}/qualities/employer/routing/drs-unemployment`, w.tokens.glE, { recipient: A }));
});

afterAll(async () => {
  await watcher?.stop();
  await broker?.stop();
  await sys?.shutdown();
});

describe('ingestion', () => {
  test('when the technical user sends messages over the eBox, then each is routed to the rule\'s recipient and channel and listed as routed', async () => {
    const { sent, outcomes } = await sendAndWait({ count: 25 });
    expect(outcomes.map((o) => [o.subject, o.recipient, o.channel])).toEqual(sent.messageIds.map(() => ['routed', A, 'ebox']));
    const list = await req('GET', `/enterprises/${A}/qualities/employer/structured-messages?status=routed&pageSize=100`, w.tokens.glE);
    expect(list.status).toBe(200);
    const listed = new Set(list.body.items.map((m: any) => m.messageId));
    for (const id of sent.messageIds) expect(listed.has(id)).toBe(true);
    const one = list.body.items.find((m: any) => m.messageId === sent.messageIds[0]);
    expect(one).toEqual(expect.objectContaining({ status: 'routed', recipient: A, channel: 'ebox', sender: tu.username, declarationType: 'drs-unemployment', inboundChannel: 'ebox' }));
  });

  test('when a message comes in over a registered batch channel of the enterprise, then it is routed', async () => {
    const { outcomes } = await sendAndWait({ channel: ftpA });
    expect(outcomes[0]).toEqual(expect.objectContaining({ subject: 'routed', recipient: A, channel: 'ebox' }));
  });

  test('when the same messages are re-sent with the same Nats-Msg-Id, then JetStream reports duplicates and the store keeps each once', async () => {
    const prefix = `dup${Date.now()}`;
    const first = await sendAndWait({ count: 5, idPrefix: prefix });
    const totalBefore = (await req('GET', `/enterprises/${A}/qualities/employer/structured-messages?pageSize=1`, w.tokens.glE)).body.total;
    const again = await send({ count: 5, idPrefix: prefix });
    expect(again.duplicates).toBe(5);
    expect(again.messageIds).toEqual(first.sent.messageIds);
    const totalAfter = (await req('GET', `/enterprises/${A}/qualities/employer/structured-messages?pageSize=1`, w.tokens.glE)).body.total;
    expect(totalAfter).toBe(totalBefore);
  });

  test('when a message is redelivered past the stream\'s de-duplication (another Nats-Msg-Id, same messageId), then it is stored once and its outcome is published again', async () => {
    const { sent } = await sendAndWait({ idPrefix: `redeliver${Date.now()}` });
    const id = sent.messageIds[0]!;
    const db = await storeOf(sys, 'structured-messaging');
    try {
      const stored = await db.collection('structured_messages').findOne({ _id: id as never });
      const body = { messageId: id, channel: 'ebox', enterpriseNumber: A, quality: 'employer', declarationType: 'drs-unemployment', sender: { username: tu.username }, fileName: 'again.xml', sizeBytes: 10, sha256: 'a'.repeat(64), receivedAt: new Date().toISOString() };
      await publishRaw(natsUrlOf(sys), inboundSubject(sys.namespace, 'ebox'), JSON.stringify(body), `${id}-resent`);
      const deadline = Date.now() + 30_000;
      while ((watcher.outcomes.get(id)?.length ?? 0) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(watcher.outcomes.get(id)!.map((o) => o.subject)).toEqual(['routed', 'routed']);
      expect(await db.collection('structured_messages').countDocuments({ _id: id as never })).toBe(1);
      expect(await db.collection('structured_messages').findOne({ _id: id as never })).toEqual(stored);
    } finally {
      await db.close();
    }
  });
});

describe('rejections, each with its reason', () => {
  test('when the sender is no known account, then the message is rejected UNKNOWN_SENDER', async () => {
    const { outcomes } = await sendAndWait({ username: 'nobodyatall0001', login: false });
    expect(outcomes[0]).toEqual(expect.objectContaining({ subject: 'rejected', reason: 'UNKNOWN_SENDER', enterpriseNumber: A, quality: 'employer' }));
  });

  test('when the sender is an account but not the quality\'s technical user, then the message is rejected NOT_TECHNICAL_USER', async () => {
    const glUsername = await usernameOf(sys, w.tokens.glE);
    const { outcomes } = await sendAndWait({ username: glUsername });
    expect(outcomes[0]).toEqual(expect.objectContaining({ subject: 'rejected', reason: 'NOT_TECHNICAL_USER' }));
  });

  test('when the sender is the technical user of another quality or enterprise, then the message is rejected NOT_TECHNICAL_USER', async () => {
    const { outcomes } = await sendAndWait({ quality: 'mandatary', login: false });
    expect(outcomes[0]).toEqual(expect.objectContaining({ subject: 'rejected', reason: 'NOT_TECHNICAL_USER', quality: 'mandatary' }));
  });

  test('when the channel is not registered for the enterprise, then the message is rejected CHANNEL_NOT_REGISTERED', async () => {
    const { outcomes } = await sendAndWait({ channel: new Types.ObjectId().toHexString() });
    expect(outcomes[0]).toEqual(expect.objectContaining({ subject: 'rejected', reason: 'CHANNEL_NOT_REGISTERED' }));
  });

  test('when no rule exists for the declaration type, then the message is rejected NO_ROUTING_RULE', async () => {
    const { outcomes } = await sendAndWait({ declarationType: 'drs-work-accident' });
    expect(outcomes[0]).toEqual(expect.objectContaining({ subject: 'rejected', reason: 'NO_ROUTING_RULE' }));
  });

  test('when the body is not JSON or misses fields, then it is rejected MALFORMED_ENVELOPE once, acknowledged, and listed when its enterprise is readable', async () => {
    const subject = inboundSubject(sys.namespace, 'ebox');
    const garbageId = `garbage${Date.now()}`;
    await publishRaw(natsUrlOf(sys), subject, '{not json', garbageId);
    const partialId = `partial${Date.now()}`;
    await publishRaw(natsUrlOf(sys), subject, JSON.stringify({ messageId: partialId, enterpriseNumber: A, quality: 'employer', channel: 'ebox', sizeBytes: -1 }), partialId);
    const outcomes = await watcher.waitFor([garbageId, partialId]);
    expect(outcomes.map((o) => [o.subject, o.reason])).toEqual([
      ['rejected', 'MALFORMED_ENVELOPE'],
      ['rejected', 'MALFORMED_ENVELOPE'],
    ]);
    const list = await req('GET', `/enterprises/${A}/qualities/employer/structured-messages?status=rejected&pageSize=100`, w.tokens.glE);
    expect(list.body.items.find((m: any) => m.messageId === partialId)).toEqual(expect.objectContaining({ status: 'rejected', reason: 'MALFORMED_ENVELOPE' }));
    const db = await storeOf(sys, 'structured-messaging');
    try {
      expect(await db.collection('structured_messages').countDocuments({ _id: { $in: [garbageId, partialId] } as never })).toBe(2);
    } finally {
      await db.close();
    }
  });

  test('when the rule\'s mandate has ended, then messages for it are rejected MANDATE_ENDED and the rule is marked', async () => {
    const mandate = await expectOk('mandate', req('POST', `/admin/enterprises/${A}/mandates`, w.tokens.cc, { mandataryEnterpriseNumber: B, declarationTypes: ['drs-sickness-invalidity'], validFrom: '2020-01-01' }));
    await expectOk('rule to B', req('PUT', `/enterprises/${A}/qualities/employer/routing/drs-sickness-invalidity`, w.tokens.glE, { recipient: B }));
    const before = await sendAndWait({ declarationType: 'drs-sickness-invalidity' });
    expect(before.outcomes[0]).toEqual(expect.objectContaining({ subject: 'routed', recipient: B, channel: 'ebox' }));
    // Time passes: the mandate's last day is behind us (no route ends a mandate; the store is aged).
    const db = await storeOf(sys, 'enterprise');
    try {
      await db.collection('mandates').updateOne({ _id: new Types.ObjectId(mandate.mandateId) }, { $set: { validTo: '2020-12-31' } });
    } finally {
      await db.close();
    }
    const { outcomes } = await sendAndWait({ declarationType: 'drs-sickness-invalidity' });
    expect(outcomes[0]).toEqual(expect.objectContaining({ subject: 'rejected', reason: 'MANDATE_ENDED', recipient: B }));
    const rules = await req('GET', `/enterprises/${A}/qualities/employer/routing`, w.tokens.glE);
    expect(rules.body.items.find((r: any) => r.declarationType === 'drs-sickness-invalidity')).toEqual(expect.objectContaining({ recipient: B, state: 'mandate-ended' }));
  });

  test('when the rule\'s channel is deleted, then messages for it are rejected CHANNEL_DELETED and the rule is marked', async () => {
    const mq = await expectOk('mqlink', req('POST', `/enterprises/${A}/batch-channels`, w.tokens.rae, { type: 'mqlink', name: 'mq', parameters: { queueManager: 'QM1', queue: 'DRS.IN' } }));
    await expectOk('rule', req('PUT', `/enterprises/${A}/qualities/employer/routing/drs-occupational-disease`, w.tokens.glE, { recipient: A }));
    await expectOk('channel', req('PUT', `/enterprises/${A}/qualities/employer/routing/drs-occupational-disease/channel`, w.tokens.glE, { channel: mq.channelId }));
    const before = await sendAndWait({ declarationType: 'drs-occupational-disease' });
    expect(before.outcomes[0]).toEqual(expect.objectContaining({ subject: 'routed', channel: mq.channelId }));
    expect((await req('DELETE', `/enterprises/${A}/batch-channels/${mq.channelId}`, w.tokens.rae)).status).toBe(204);
    const { outcomes } = await sendAndWait({ declarationType: 'drs-occupational-disease' });
    expect(outcomes[0]).toEqual(expect.objectContaining({ subject: 'rejected', reason: 'CHANNEL_DELETED', channel: mq.channelId }));
    const rules = await req('GET', `/enterprises/${A}/qualities/employer/routing`, w.tokens.glE);
    expect(rules.body.items.find((r: any) => r.declarationType === 'drs-occupational-disease')).toEqual(expect.objectContaining({ state: 'channel-deleted' }));
  });

  test('when the technical user\'s account is blocked, then the simulator cannot log in and a message in its name is rejected SENDER_BLOCKED', async () => {
    // Blocking an account is identity's internal action (the user-management routes call it).
    await broker.call('identity.setAccountStatus', { personId: tu.personId, status: 'blocked' });
    try {
      await expect(send()).rejects.toThrow(/423/);
      const { outcomes } = await sendAndWait({ login: false });
      expect(outcomes[0]).toEqual(expect.objectContaining({ subject: 'rejected', reason: 'SENDER_BLOCKED' }));
    } finally {
      await broker.call('identity.setAccountStatus', { personId: tu.personId, status: 'active' });
      // A block ends every session of the person: the world's userE logs in again.
      w.tokens.userE = (await sys.api.loginAs(tu.username, tu.password, (r) => r.kind === 'user' && r.quality === 'employer')).token;
    }
  });
});

describe('GET /enterprises/{en}/qualities/{type}/structured-messages', () => {
  test('when a manager of the quality filters by status and pages, then only those come, newest first, with the total', async () => {
    const rejected = await req('GET', `/enterprises/${A}/qualities/employer/structured-messages?status=rejected&pageSize=2&page=1`, w.tokens.coGlE);
    expect(rejected.status).toBe(200);
    expect(rejected.body.items).toHaveLength(2);
    expect(rejected.body.items.every((m: any) => m.status === 'rejected' && typeof m.reason === 'string')).toBe(true);
    expect(rejected.body.total).toBeGreaterThanOrEqual(8);
    const page2 = await req('GET', `/enterprises/${A}/qualities/employer/structured-messages?status=rejected&pageSize=2&page=2`, w.tokens.rae);
    expect(page2.body.items.map((m: any) => m.messageId)).not.toEqual(rejected.body.items.map((m: any) => m.messageId));
  });

  test.each([
    { label: 'glM (GL of another quality)', actor: 'glM', status: 403 },
    { label: 'userE (a user, not a manager)', actor: 'userE', status: 403 },
    { label: 'raeB (another enterprise)', actor: 'raeB', status: 404 },
    { label: 'the contact centre', actor: 'cc', status: 403 },
    { label: 'anonymous', actor: 'anon', status: 401 },
  ] as const)('when $label asks, then $status', async ({ actor, status }) => {
    const res = await req('GET', `/enterprises/${A}/qualities/employer/structured-messages`, w.tokens[actor]);
    expect(res.status).toBe(status);
  });

  test('when the status filter is unknown, then 400 names the field', async () => {
    const res = await req('GET', `/enterprises/${A}/qualities/employer/structured-messages?status=lost`, w.tokens.glE);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toContain('status');
  });
});
