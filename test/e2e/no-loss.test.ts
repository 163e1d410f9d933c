/**
 * Issue 6 item 6: no loss. 5,000 messages are published by the simulator while the
 * structured-messaging process is killed (SIGKILL: batches stored but not acknowledged are
 * redelivered) and started again, and while NATS itself is restarted (same port and JetStream
 * store). Every messageId must end in the store exactly once, with a final status.
 *
 * Bounded: the simulator retries a publish for at most 60 s; a delivered, unacknowledged message
 * is redelivered after UM_SM_ACK_WAIT_MS (5 s here); the wait for the store is at most 90 s.
 */
import { connect } from 'nats';
import { batchSend } from '../../libs/devkit/src/cli/batch-send';
import { startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';
import { storeOf, technicalUser } from './structured-messages.helpers';

const TOTAL = 5_000;
const RATE = 250;
const KILL_AT = 1_250;
const NATS_RESTART_AT = 3_000;

let sys: TestSystem;
let w: World;

beforeAll(async () => {
  sys = await startTestSystem({ ownInfra: true, env: { UM_SM_ACK_WAIT_MS: '5000' } });
  w = await buildWorld(sys.api);
  const rule = await sys.api.request('PUT', `/enterprises/${w.enterpriseA}/qualities/employer/routing/drs-unemployment`, { token: w.tokens.glE, body: { recipient: w.enterpriseA } });
  if (rule.status !== 200) throw new Error(`rule: ${rule.status}`);
}, 120_000);

afterAll(async () => {
  await sys?.shutdown();
}, 60_000);

test('when structured-messaging is killed and NATS restarted in the middle of 5,000 messages, then every messageId is stored exactly once with a final status', async () => {
  const tu = await technicalUser(sys, w);
  const infra = sys.infra!;
  const faults: Array<Promise<void>> = [];
  const log: string[] = [];
  let killed = false;
  let restarted = false;
  const started = Date.now();

  const sent = await batchSend({
    gatewayUrl: sys.baseUrl,
    natsUrl: infra.natsUrl,
    namespace: sys.namespace,
    enterpriseNumber: w.enterpriseA,
    quality: 'employer',
    declarationType: 'drs-unemployment',
    channel: 'ebox',
    count: TOTAL,
    rate: RATE,
    window: 64,
    username: tu.username,
    password: tu.password,
    retryForMs: 60_000,
    onProgress: (done) => {
      if (!killed && done >= KILL_AT) {
        killed = true;
        const victim = sys.of('structured-messaging')[0]!;
        log.push(`${done} published: SIGKILL ${victim.name}, start another`);
        victim.child.kill('SIGKILL');
        sys.startInstance('structured-messaging');
      }
      if (!restarted && done >= NATS_RESTART_AT) {
        restarted = true;
        log.push(`${done} published: NATS restarted (2 s down)`);
        faults.push(infra.restartNats(2_000));
      }
    },
  });
  await Promise.all(faults);
  expect(killed && restarted).toBe(true);
  expect(new Set(sent.messageIds).size).toBe(TOTAL);

  const db = await storeOf(sys, 'structured-messaging');
  const messages = db.collection<{ _id: string; status: string }>('structured_messages');
  try {
    const deadline = Date.now() + 90_000;
    let stored = 0;
    while (Date.now() < deadline) {
      stored = await messages.countDocuments({ _id: { $in: sent.messageIds } });
      if (stored === TOTAL) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const docs = await messages.find({ _id: { $in: sent.messageIds } }, { projection: { status: 1 } }).toArray();
    const byId = new Map<string, number>();
    for (const d of docs) byId.set(d._id, (byId.get(d._id) ?? 0) + 1);
    expect(docs).toHaveLength(TOTAL);
    expect([...byId.values()].every((n) => n === 1)).toBe(true);
    expect(sent.messageIds.filter((id) => !byId.has(id))).toEqual([]);
    const statuses = docs.reduce<Record<string, number>>((acc, d) => ({ ...acc, [d.status]: (acc[d.status] ?? 0) + 1 }), {});
    expect(statuses).toEqual({ routed: TOTAL });

    // Seen through HTTP too.
    const list = await sys.api.get(`/enterprises/${w.enterpriseA}/qualities/employer/structured-messages?status=routed&pageSize=1`, w.tokens.glE);
    expect(list.body.total).toBe(TOTAL);

    // And nothing is left pending on the durable consumer.
    const nc = await connect({ servers: infra.natsUrl });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = `STRUCTURED_MESSAGES_${sys.namespace.toUpperCase()}`;
      let info = await jsm.consumers.info(stream, 'structured-messaging');
      while ((info.num_pending > 0 || info.num_ack_pending > 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        info = await jsm.consumers.info(stream, 'structured-messaging');
      }
      expect({ pending: info.num_pending, ackPending: info.num_ack_pending }).toEqual({ pending: 0, ackPending: 0 });
      process.stdout.write(
        `[no-loss] ${TOTAL} messages at ${RATE}/s: ${log.join('; ')}; publish retries ${sent.retries}, stream duplicates ${sent.duplicates}, ` +
          `redeliveries ${info.num_redelivered}; all stored once, routed, in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    } finally {
      await nc.drain();
    }
  } finally {
    await db.close();
  }
}, 180_000);
