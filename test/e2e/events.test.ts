/**
 * Issue 18 item 4: the durable event stream of administrative changes, through the real processes.
 * Every record of an enterprise's audit trail is published once on JetStream
 * (`um.events.<enterpriseNumber>.<kind>`, Nats-Msg-Id = the audit id) through an outbox in the
 * enterprise service. The outbox test: the only enterprise instance runs with its relay off
 * (UM_EVENTS_RELAY=false: it stores records, publishes nothing — what a process killed between
 * storing and publishing leaves behind), is killed (SIGKILL), and two relaying instances are
 * started at once: every stored record goes out exactly once. Webhooks: a real HTTP receiver in
 * this process gets signed deliveries; a failing one is retried and the delivery log shows it.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { connect, type NatsConnection } from 'nats';
import { AdminEventV1 } from '@um/contracts';
import { waitForLog, startTestSystem, type TestSystem } from '../support/system';
import { GOOD_PASSWORD, personBody } from '../support/fixtures';
import { buildWorld, type World } from '../support/world';
import path from 'node:path';

let sys: TestSystem;
let w: World;
let nc: NatsConnection;
let db: mongoose.Connection;

beforeAll(async () => {
  sys = await startTestSystem({
    env: { UM_EVENTS_RELAY: 'false', UM_EVENTS_SWEEP_MS: '1000', UM_WEBHOOK_ALLOW_LOOPBACK: 'true', UM_WEBHOOK_RETRY_BASE_MS: '1000', UM_WEBHOOK_MAX_ATTEMPTS: '6' },
  });
  w = await buildWorld(sys.api);
  nc = await connect({ servers: sys.infra?.natsUrl ?? process.env.NATS_URL! });
  db = mongoose.createConnection(sys.infra?.mongoUrl ?? process.env.MONGO_URL!, { dbName: `${sys.namespace}-enterprise` });
}, 180_000);

afterAll(async () => {
  for (const r of receivers) r.server.close();
  await db?.close();
  await nc?.close();
  await sys?.shutdown();
}, 60_000);

const A = () => w.enterpriseA;
const stream = () => `UM_EVENTS_${sys.namespace.toUpperCase()}`;
const audit = () => db.collection('audit');

/** Every event of the stream on one enterprise's subjects (none when the stream does not exist yet). */
async function eventsOf(enterpriseNumber: string) {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(stream()).catch(() => undefined);
  const found: Array<{ subject: string; msgId: string | undefined; body: any }> = [];
  if (!info || info.state.messages === 0) return found;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
    const m = await jsm.streams.getMessage(stream(), { seq }).catch(() => undefined);
    if (m?.subject.startsWith(`${sys.namespace}.um.events.${enterpriseNumber}.`)) found.push({ subject: m.subject, msgId: m.header?.get('Nats-Msg-Id'), body: m.json() });
  }
  return found;
}

async function until(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const pending = (enterpriseNumber: string) => audit().countDocuments({ enterpriseNumber, pending: true });

describe('the audit outbox', () => {
  test('when the enterprise process dies with changes stored but not published, then relays started afterwards (two at once) publish each exactly once', async () => {
    const user = personBody();
    const created = await sys.api.post(`/enterprises/${A()}/qualities/employer/users`, { ...user, applications: ['dimona'] }, w.tokens.rae);
    expect(created.status).toBe(201);
    const stored = await audit().findOne({ enterpriseNumber: A(), action: 'user.registered', 'target.id': created.body.personId });
    expect(stored).toMatchObject({ pending: true });
    const storedIds = (await audit().find({ enterpriseNumber: A() }).toArray()).map((d) => String(d._id)).sort();
    expect(await eventsOf(A())).toEqual([]);

    const [old] = sys.of('enterprise');
    old!.child.kill('SIGKILL');
    await old!.exited;
    const fresh = [sys.startInstance('enterprise', { UM_EVENTS_RELAY: 'true' }), sys.startInstance('enterprise', { UM_EVENTS_RELAY: 'true' })];
    for (const p of fresh) await waitForLog(path.join(sys.logDir, `${p.name.replace('#', '-')}.log`), 'relaying the audit outbox', 60_000);

    await until(async () => (await pending(A())) === 0, "every record of A's trail marked published");
    const events = await eventsOf(A());
    expect(events.map((e) => e.msgId).sort()).toEqual(storedIds);
    expect(events).toHaveLength(storedIds.length);
    const registered = events.find((e) => e.msgId === String(stored!._id))!;
    expect(registered.subject).toBe(`${sys.namespace}.um.events.${A()}.user.registered`);
    expect(AdminEventV1.parse(registered.body)).toMatchObject({
      eventId: String(stored!._id),
      schemaVersion: 1,
      kind: 'user.registered',
      enterpriseNumber: A(),
      target: { type: 'person', id: created.body.personId },
      quality: 'employer',
    });
  });

  test('when a user is blocked, then exactly one event goes out, on the right subject, with the schema and Nats-Msg-Id = the audit id', async () => {
    const user = personBody();
    const created = await sys.api.post(`/enterprises/${A()}/qualities/employer/users`, { ...user, applications: ['dimona'] }, w.tokens.glE);
    expect(created.status).toBe(201);
    const personId = created.body.personId as string;
    expect((await sys.api.post(`/enterprises/${A()}/qualities/employer/users/${personId}/block`, {}, w.tokens.glE)).status).toBe(200);

    const trail = await sys.api.get(`/enterprises/${A()}/audit?pageSize=100`, w.tokens.rae);
    const blocked = (trail.body.items as Array<{ auditId: string; action: string; target: { id: string } }>).find((i) => i.action === 'user.blocked' && i.target.id === personId)!;
    expect(blocked).toBeDefined();
    await until(async () => (await audit().countDocuments({ _id: new mongoose.Types.ObjectId(blocked.auditId), publishedAt: { $exists: true } })) === 1, 'the block published');

    const events = (await eventsOf(A())).filter((e) => e.msgId === blocked.auditId);
    expect(events).toHaveLength(1);
    expect(events[0]!.subject).toBe(`${sys.namespace}.um.events.${A()}.user.blocked`);
    const event = AdminEventV1.parse(events[0]!.body);
    expect(event).toMatchObject({ eventId: blocked.auditId, kind: 'user.blocked', target: { type: 'person', id: personId }, quality: 'employer', before: { status: 'active' }, after: { status: 'blocked' } });
    expect(event.actor.roleKind).toBe('local-manager');
    // Enterprise B's stream subjects carry nothing of A.
    expect((await eventsOf(w.enterpriseB)).some((e) => e.body.enterpriseNumber !== w.enterpriseB)).toBe(false);
  });
});

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
}

/** A webhook receiver on the loopback interface: records every request and answers `status()`. */
const receivers: Array<{ server: http.Server }> = [];
async function receiver(status: () => number) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      got.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.statusCode = status();
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receivers.push({ server });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

async function registerUser(token: string | undefined) {
  const created = await sys.api.post(`/enterprises/${A()}/qualities/employer/users`, { ...personBody(), applications: ['dimona'] }, token);
  expect(created.status).toBe(201);
  return created.body.personId as string;
}

const hmac = (secret: string, raw: string) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

describe("a person's own change", () => {
  test("when a user changes their own language, then the copy in their enterprise's trail goes out as person.updated with the qualities they hold", async () => {
    const body = personBody();
    const created = await sys.api.post(`/enterprises/${A()}/qualities/employer/users`, { ...body, applications: ['dimona'] }, w.tokens.rae);
    expect(created.status).toBe(201);
    const login = await sys.api.post('/auth/login', { username: body.username, password: GOOD_PASSWORD });
    expect(login.status).toBe(200);
    expect((await sys.api.request('PATCH', '/me', { token: login.body.token, body: { language: 'de' } })).status).toBe(200);

    const personId = created.body.personId as string;
    const isIt = (e: { body: any }) => e.body.kind === 'person.updated' && e.body.target.id === personId;
    await until(async () => (await eventsOf(A())).some(isIt), 'the person.updated event');
    const events = (await eventsOf(A())).filter(isIt);
    expect(events).toHaveLength(1);
    expect(events[0]!.subject).toBe(`${sys.namespace}.um.events.${A()}.person.updated`);
    expect(AdminEventV1.parse(events[0]!.body)).toMatchObject({ actor: { personId }, qualities: ['employer'], after: { language: 'de' } });
  });
});

describe('webhooks', () => {
  test('when the RAE registers a webhook for user.registered, then a registration is POSTed to it, signed with the secret shown once, with its event id and timestamp, and the log shows it delivered', async () => {
    const r = await receiver(() => 204);
    const created = await sys.api.post(`/enterprises/${A()}/webhooks`, { url: r.url, kinds: ['user.registered'] }, w.tokens.rae);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ webhookId: expect.stringMatching(/^[0-9a-f]{24}$/), url: r.url, kinds: ['user.registered'], secret: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const { webhookId, secret } = created.body as { webhookId: string; secret: string };
    const listed = await sys.api.get(`/enterprises/${A()}/webhooks`, w.tokens.coRae);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual({ webhookId, url: r.url, kinds: ['user.registered'], createdAt: expect.any(String) });
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const personId = await registerUser(w.tokens.glE);
    await until(async () => r.got.some((g) => g.body.target?.id === personId), 'the registration delivered');
    const delivery = r.got.find((g) => g.body.target?.id === personId)!;
    const event = AdminEventV1.parse(delivery.body);
    expect(event).toMatchObject({ kind: 'user.registered', enterpriseNumber: A(), quality: 'employer' });
    expect(delivery.headers['x-um-signature']).toBe(hmac(secret, delivery.raw));
    expect(delivery.headers['x-um-event-id']).toBe(event.eventId);
    expect(Number(delivery.headers['x-um-timestamp'])).toBeGreaterThan(1_700_000_000);
    expect(delivery.headers['content-type']).toBe('application/json');
    // Only the kinds asked for.
    expect(r.got.every((g) => g.body.kind === 'user.registered')).toBe(true);

    const log = await sys.api.get(`/enterprises/${A()}/webhooks/${webhookId}/deliveries`, w.tokens.rae);
    expect(log.status).toBe(200);
    expect(log.body.items).toContainEqual(expect.objectContaining({ eventId: event.eventId, kind: 'user.registered', status: 'delivered', attempts: 1, lastStatus: 204 }));
  });

  test('when the receiver fails, then the delivery is retried with backoff, the log shows the attempts, the last status and the next attempt, and it is delivered once the receiver answers', async () => {
    let healthy = false;
    const r = await receiver(() => (healthy ? 200 : 503));
    const created = await sys.api.post(`/enterprises/${A()}/webhooks`, { url: r.url, kinds: ['user.registered'] }, w.tokens.coRae);
    expect(created.status).toBe(201);
    const { webhookId, secret } = created.body as { webhookId: string; secret: string };

    const personId = await registerUser(w.tokens.rae);
    const attemptsOf = () => r.got.filter((g) => g.body.target?.id === personId);
    await until(async () => attemptsOf().length >= 2, 'two failed attempts');
    const eventId = attemptsOf()[0]!.body.eventId as string;
    const logEntry = async () => ((await sys.api.get(`/enterprises/${A()}/webhooks/${webhookId}/deliveries`, w.tokens.rae)).body.items as any[]).find((i) => i.eventId === eventId);
    // The sender records an attempt once its answer is in: the log follows the receiver shortly.
    await until(async () => ((await logEntry())?.attempts ?? 0) >= 2, 'two failed attempts in the log');
    const entry = await logEntry();
    expect(entry).toMatchObject({ status: 'pending', lastStatus: 503, nextAttemptAt: expect.any(String) });

    healthy = true;
    await until(async () => (await logEntry())?.status === 'delivered', 'delivered after the receiver recovered');
    const attempts = attemptsOf();
    // The same event and the same signed body at every attempt, numbered 1, 2, 3, …
    expect(new Set(attempts.map((a) => a.raw)).size).toBe(1);
    expect(attempts.map((a) => Number(a.headers['x-um-delivery-attempt']))).toEqual(attempts.map((_a, i) => i + 1));
    for (const a of attempts) expect(a.headers['x-um-signature']).toBe(hmac(secret, a.raw));
    expect(await logEntry()).toMatchObject({ status: 'delivered', attempts: attempts.length, lastStatus: 200 });
  });

  test("when another enterprise's RAE, a GL or a user reaches A's webhooks, then 404, 403, 403, and nothing changes; a private or plain-http target is refused with 400", async () => {
    const created = await sys.api.post(`/enterprises/${A()}/webhooks`, { url: 'https://hooks.example.com/um' }, w.tokens.rae);
    expect(created.status).toBe(201);
    const id = created.body.webhookId as string;
    for (const [method, url] of [
      ['GET', `/enterprises/${A()}/webhooks`],
      ['DELETE', `/enterprises/${A()}/webhooks/${id}`],
      ['GET', `/enterprises/${A()}/webhooks/${id}/deliveries`],
    ] as const) {
      const res = await sys.api.request(method, url, { token: w.tokens.raeB });
      expect({ method, url, status: res.status, code: res.body.code }).toEqual({ method, url, status: 404, code: 'NOT_FOUND' });
      expect((await sys.api.request(method, url, { token: w.tokens.glE })).status).toBe(403);
      expect((await sys.api.request(method, url, { token: w.tokens.userE })).status).toBe(403);
    }
    const post = await sys.api.post(`/enterprises/${A()}/webhooks`, { url: 'https://hooks.example.com/b' }, w.tokens.raeB);
    expect(post.status).toBe(404);
    // A's webhook id under B's own enterprise: not found either.
    expect((await sys.api.request('DELETE', `/enterprises/${w.enterpriseB}/webhooks/${id}`, { token: w.tokens.raeB })).status).toBe(404);

    const before = (await sys.api.get(`/enterprises/${A()}/webhooks`, w.tokens.rae)).body.items.length as number;
    for (const url of ['https://169.254.169.254/latest/meta-data', 'https://10.0.0.8/hook', 'http://hooks.example.com/um', 'https://[::ffff:192.168.1.1]/x', 'nonsense']) {
      const res = await sys.api.post(`/enterprises/${A()}/webhooks`, { url }, w.tokens.rae);
      expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 400, code: 'WEBHOOK_URL_REFUSED' });
    }
    expect((await sys.api.post(`/enterprises/${A()}/webhooks`, { url: 'https://hooks.example.com/um', kinds: ['not a kind'] }, w.tokens.rae)).status).toBe(400);
    expect((await sys.api.get(`/enterprises/${A()}/webhooks`, w.tokens.rae)).body.items).toHaveLength(before);

    expect((await sys.api.request('DELETE', `/enterprises/${A()}/webhooks/${id}`, { token: w.tokens.coRae })).status).toBe(204);
    expect((await sys.api.get(`/enterprises/${A()}/webhooks/${id}/deliveries`, w.tokens.rae)).status).toBe(404);
    expect((await sys.api.get(`/enterprises/${A()}/webhooks`, w.tokens.rae)).body.items.map((h: any) => h.webhookId)).not.toContain(id);
  });
});
