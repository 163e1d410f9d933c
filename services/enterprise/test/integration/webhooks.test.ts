/**
 * The webhook dispatcher against the real NATS (JetStream) and store: events published while no
 * dispatcher runs are delivered once one starts (the durable consumer keeps its place), a receiver
 * that keeps failing ends `failed` after the bounded attempts, and a webhook only gets the kinds it
 * asked for and the events recorded after it was registered.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from 'mongoose';
import { BaseConfig, connectStore, createLogger, initModels, loadConfig } from '@um/platform';
import { connect, type NatsConnection } from 'nats';
import { requireServers } from '../../../../test/support/broker';
import { createModels, type EnterpriseModels } from '../../src/model';
import { OutboxRelay } from '../../src/outbox';
import { WebhookDispatcher } from '../../src/webhook-dispatch';

const namespace = `w${randomBytes(4).toString('hex')}`;
const logger = createLogger({ service: 'webhooks-test', level: 'silent' });
let db: Connection;
let models: EnterpriseModels;
let nc: NatsConnection;
let relay: OutboxRelay;
const servers: http.Server[] = [];
const dispatchers: WebhookDispatcher[] = [];

function dispatcher(maxAttempts = 3): WebhookDispatcher {
  const d = new WebhookDispatcher(
    { natsUrl: requireServers().natsUrl, namespace, allowLoopback: true, retryBaseMs: 100, maxAttempts, timeoutMs: 2_000, duplicateWindowMs: 60_000, maxAgeMs: 3_600_000 },
    models,
    logger,
  );
  dispatchers.push(d);
  return d;
}

async function receiver(status: number) {
  const got: Array<{ eventId: string; kind: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, got };
}

beforeAll(async () => {
  const { natsUrl, mongoUrl } = requireServers();
  db = await connectStore(loadConfig(BaseConfig, { MONGO_URL: mongoUrl, UM_DB_PREFIX: namespace }), 'enterprise', logger);
  models = createModels(db);
  await initModels(db, Object.values(models));
  nc = await connect({ servers: natsUrl });
  relay = new OutboxRelay({ natsUrl, namespace, sweepMs: 300, claimMs: 30_000, batchSize: 50, duplicateWindowMs: 60_000, maxAgeMs: 3_600_000 }, models, logger);
  await relay.start();
});

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
});

afterAll(async () => {
  await relay.stop();
  for (const s of servers) s.close();
  const jsm = await nc.jetstreamManager();
  await jsm.streams.delete(`UM_EVENTS_${namespace.toUpperCase()}`).catch(() => undefined);
  await nc.close();
  await db.dropDatabase();
  await db.close();
});

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const change = (enterpriseNumber: string, action: string) =>
  models.Audit.create({ enterpriseNumber, at: new Date(), actor: { personId: 'p1' }, action, target: { type: 'person', id: randomBytes(4).toString('hex') } });

test('when events are published while no dispatcher runs, then a dispatcher started later delivers each once, only the kinds asked for, and only those recorded after the webhook', async () => {
  const en = '0400000011';
  const early = await change(en, 'user.registered');
  const r = await receiver(200);
  const hook = await models.Webhook.create({ enterpriseNumber: en, url: r.url, kinds: ['user.registered'], secret: 's'.repeat(64) });
  const wanted = await change(en, 'user.registered');
  const other = await change(en, 'user.blocked');
  await until(async () => (await models.Audit.countDocuments({ enterpriseNumber: en, pending: true })) === 0, 'the events published');

  const first = dispatcher();
  await first.start();
  await until(async () => (await models.WebhookDelivery.countDocuments({ webhookId: String(hook._id), status: 'delivered' })) === 1, 'the delivery made');
  expect(r.got.map((g) => g.eventId)).toEqual([String(wanted._id)]);
  expect(await models.WebhookDelivery.countDocuments({ eventId: { $in: [String(early._id), String(other._id)] } })).toBe(0);

  // Stopped, an event recorded meanwhile, started again: it resumes after what was acknowledged,
  // so the later event is delivered and nothing is sent twice.
  await first.stop();
  const later = await change(en, 'user.registered');
  await dispatcher().start();
  await until(async () => r.got.some((g) => g.eventId === String(later._id)), 'the later event delivered');
  await until(async () => (await models.WebhookDelivery.countDocuments({ webhookId: String(hook._id), status: 'delivered' })) === 2, 'both marked delivered');
  expect(r.got.map((g) => g.eventId).sort()).toEqual([String(wanted._id), String(later._id)].sort());
});

test('when the receiver always fails, then the delivery ends failed after the bounded attempts, with the last status', async () => {
  const en = '0400000012';
  const r = await receiver(500);
  const hook = await models.Webhook.create({ enterpriseNumber: en, url: r.url, secret: 's'.repeat(64) });
  await dispatcher(3).start();
  const event = await change(en, 'user.deleted');
  await until(async () => (await models.WebhookDelivery.countDocuments({ webhookId: String(hook._id), status: 'failed' })) === 1, 'the delivery failed');
  const d = await models.WebhookDelivery.findOne({ webhookId: String(hook._id) }).lean();
  expect(d).toMatchObject({ eventId: String(event._id), status: 'failed', attempts: 3, lastStatus: 500 });
  expect(d!.nextAttemptAt).toBeUndefined();
  expect(r.got).toHaveLength(3);
});
