/**
 * Issue 18 item 4: the durable event stream of administrative changes, through the real processes.
 * Every record of an enterprise's audit trail is published once on JetStream
 * (`um.events.<enterpriseNumber>.<kind>`, Nats-Msg-Id = the audit id) through an outbox in the
 * enterprise service. The outbox test: the only enterprise instance runs with its relay off
 * (UM_EVENTS_RELAY=false: it stores records, publishes nothing — what a process killed between
 * storing and publishing leaves behind), is killed (SIGKILL), and two relaying instances are
 * started at once: every stored record goes out exactly once.
 */
import mongoose from 'mongoose';
import { connect, type NatsConnection } from 'nats';
import { AdminEventV1 } from '@um/contracts';
import { waitForLog, startTestSystem, type TestSystem } from '../support/system';
import { personBody } from '../support/fixtures';
import { buildWorld, type World } from '../support/world';
import path from 'node:path';

let sys: TestSystem;
let w: World;
let nc: NatsConnection;
let db: mongoose.Connection;

beforeAll(async () => {
  sys = await startTestSystem({ env: { UM_EVENTS_RELAY: 'false', UM_EVENTS_SWEEP_MS: '1000' } });
  w = await buildWorld(sys.api);
  nc = await connect({ servers: sys.infra?.natsUrl ?? process.env.NATS_URL! });
  db = mongoose.createConnection(sys.infra?.mongoUrl ?? process.env.MONGO_URL!, { dbName: `${sys.namespace}-enterprise` });
}, 180_000);

afterAll(async () => {
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
