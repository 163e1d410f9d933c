/**
 * The audit outbox relay against the real NATS (JetStream) and store: records stored while no relay
 * runs go out once when relays start (two at once included), a publish repeated after a relay died
 * before marking is dropped by JetStream, and a batch claimed by a live instance is left to it.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connect, type NatsConnection } from 'nats';
import { AdminEventV1 } from '@um/contracts';
import { BaseConfig, connectStore, createLogger, initModels, loadConfig } from '@um/platform';
import { requireServers } from '../../../../test/support/broker';
import { indexOfPlan } from '../../../../test/support/plan';
import { createModels, type EnterpriseModels } from '../../src/model';
import { OutboxRelay, eventOf } from '../../src/outbox';

const namespace = `o${randomBytes(4).toString('hex')}`;
const logger = createLogger({ service: 'outbox-test', level: 'silent' });
let db: Connection;
let models: EnterpriseModels;
let nc: NatsConnection;
const relays: OutboxRelay[] = [];

function relay(): OutboxRelay {
  const { natsUrl } = requireServers();
  const r = new OutboxRelay({ natsUrl, namespace, sweepMs: 300, claimMs: 30_000, batchSize: 7, duplicateWindowMs: 10 * 60_000, maxAgeMs: 3_600_000 }, models, logger);
  relays.push(r);
  return r;
}

beforeAll(async () => {
  const { natsUrl, mongoUrl } = requireServers();
  const config = loadConfig(BaseConfig, { MONGO_URL: mongoUrl, UM_DB_PREFIX: namespace });
  db = await connectStore(config, 'enterprise', logger);
  models = createModels(db);
  await initModels(db, Object.values(models));
  nc = await connect({ servers: natsUrl });
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
});

afterAll(async () => {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.delete(`UM_EVENTS_${namespace.toUpperCase()}`).catch(() => undefined);
  await nc.close();
  await db.dropDatabase();
  await db.close();
});

const record = (enterpriseNumber: string, i: number) => ({
  enterpriseNumber,
  at: new Date(),
  actor: { personId: 'p1', roleKind: 'access-manager', roleId: 'r1' },
  action: 'user.registered',
  target: { type: 'person', id: `person-${i}` },
  quality: 'employer',
});

/** Every message of the stream on one enterprise's subjects: subject, Nats-Msg-Id and body. */
async function eventsOf(enterpriseNumber: string) {
  const jsm = await nc.jetstreamManager();
  const stream = `UM_EVENTS_${namespace.toUpperCase()}`;
  const { state } = await jsm.streams.info(stream);
  const found: Array<{ subject: string; msgId: string | undefined; body: unknown }> = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq += 1) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
    if (!m || !m.subject.startsWith(`${namespace}.um.events.${enterpriseNumber}.`)) continue;
    found.push({ subject: m.subject, msgId: m.header?.get('Nats-Msg-Id'), body: m.json() });
  }
  return found;
}

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pendingOf = (enterpriseNumber: string) => models.Audit.countDocuments({ enterpriseNumber, pending: true });

test('when 40 records are stored while no relay runs and two relays then start at once, then each is published once and marked published', async () => {
  const en = '0400000001';
  const stored = await models.Audit.insertMany(Array.from({ length: 40 }, (_v, i) => record(en, i)));
  expect(await pendingOf(en)).toBe(40);

  await Promise.all([relay().start(), relay().start()]);
  await until(async () => (await pendingOf(en)) === 0, 'every record marked published');

  const events = await eventsOf(en);
  expect(events).toHaveLength(40);
  expect(events.map((e) => e.msgId).sort()).toEqual(stored.map((d) => String(d._id)).sort());
  for (const e of events) {
    expect(e.subject).toBe(`${namespace}.um.events.${en}.user.registered`);
    expect(AdminEventV1.parse(e.body).eventId).toBe(e.msgId);
  }
  const marked = await models.Audit.find({ enterpriseNumber: en }).lean();
  expect(marked.every((d) => d.publishedAt instanceof Date && d.claimedBy === undefined)).toBe(true);
});

test('when a relay died after publishing and before marking, then the next relay publishes again, JetStream drops it, and the record is marked', async () => {
  const en = '0400000002';
  const doc = await models.Audit.create(record(en, 1));
  const event = eventOf(doc.toObject());
  const js = nc.jetstream();
  // What the dead relay did: published (with the record id as Nats-Msg-Id), never marked.
  const first = await js.publish(`${namespace}.um.events.${en}.${event.kind}`, JSON.stringify(event), { msgID: event.eventId });
  expect(first.duplicate).toBe(false);

  await relay().start();
  await until(async () => (await pendingOf(en)) === 0, 'the record marked published');
  expect((await eventsOf(en)).map((e) => e.msgId)).toEqual([String(doc._id)]);
});

test('when a record is stored while a relay runs, then it is published; a batch claimed by a live instance is left to it until its claim runs out', async () => {
  const en = '0400000003';
  const claimed = await models.Audit.create({ ...record(en, 1), claimedBy: 'another-instance', claimUntil: new Date(Date.now() + 3_600_000) });
  const r = relay();
  await r.start();
  const fresh = await models.Audit.create(record(en, 2));
  await until(async () => (await models.Audit.countDocuments({ _id: fresh._id, pending: true })) === 0, 'the fresh record published');
  expect((await eventsOf(en)).map((e) => e.msgId)).toEqual([String(fresh._id)]);
  expect(await models.Audit.countDocuments({ _id: claimed._id, pending: true })).toBe(1);

  // The other instance died: its claim runs out and this relay takes the record.
  await models.Audit.updateOne({ _id: claimed._id }, { $set: { claimUntil: new Date(Date.now() - 1) } });
  r.kick();
  await until(async () => (await pendingOf(en)) === 0, 'the formerly claimed record published');
  expect((await eventsOf(en)).map((e) => e.msgId)).toEqual([String(fresh._id), String(claimed._id)]);
});

test('when the trail holds thousands of published records, then the look-up of pending ones reads the index rather than the whole trail', async () => {
  const en = '0400000004';
  await models.Audit.collection.insertMany(Array.from({ length: 3_000 }, (_v, i) => ({ ...record(en, i), publishedAt: new Date() })));
  await models.Audit.create(record(en, 3_001));
  expect(indexOfPlan(await models.Audit.find({ pending: true }).explain())).toBeDefined();
  await relay().start();
  await until(async () => (await pendingOf(en)) === 0, 'the pending record published');
  expect(await eventsOf(en)).toHaveLength(1);
});
