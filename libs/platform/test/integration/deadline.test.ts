/**
 * Call budgets over the real NATS: two instances of a service, one of which has stopped answering
 * without leaving (as a SIGKILLed process looks until its heartbeats are missed).
 */
import { randomBytes } from 'node:crypto';
import type { ServiceBroker } from 'moleculer';
import { BaseConfig, createBroker, createLogger, loadConfig } from '@um/platform';
import { requireServers } from '../../../../test/support/broker';

const namespace = `d${randomBytes(4).toString('hex')}`;
const brokers: ServiceBroker[] = [];
const served = { live: 0, silent: 0 };

function broker(role: string, env: Record<string, string> = {}): ServiceBroker {
  const { natsUrl, mongoUrl } = requireServers();
  const config = loadConfig(BaseConfig, { NATS_URL: natsUrl, MONGO_URL: mongoUrl, UM_NAMESPACE: namespace, UM_REQUEST_TIMEOUT_MS: '4000', UM_ATTEMPT_TIMEOUT_MS: '500', ...env });
  const b = createBroker({ role, config, logger: createLogger({ service: role, level: 'silent' }) });
  brokers.push(b);
  return b;
}

beforeAll(async () => {
  const live = broker('live');
  live.createService({ name: 'probe', actions: { read: { handler: async () => ((served.live += 1), 'live') } } });
  const silent = broker('silent');
  // Never answers: the request is received and then nothing, as on a process that just died.
  silent.createService({ name: 'probe', actions: { read: { handler: () => ((served.silent += 1), new Promise(() => undefined)) } } });
  const caller = broker('caller');
  await Promise.all(brokers.map((b) => b.start()));
  await caller.waitForServices(['probe'], 10_000);
  // Both instances known to the caller before the calls start.
  while (caller.registry.getServiceList({ onlyAvailable: true }).filter((s) => s.name === 'probe').length < 2) await new Promise((r) => setTimeout(r, 50));
});

afterAll(async () => {
  await Promise.all(brokers.map((b) => b.stop()));
});

test('when an instance stops answering, then a retried call goes to the other one after one attempt timeout, within its budget', async () => {
  const caller = brokers[2]!;
  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: 6 }, () => caller.call('probe.read', {}, { retries: 2 })));
  const ms = Date.now() - started;
  expect(answers).toEqual(Array(6).fill('live'));
  expect(served.silent).toBeGreaterThan(0); // some attempts did reach the silent instance …
  expect(ms).toBeLessThan(4_000); // … and were retried long before the 4 s budget ran out
});

test('when a call cannot be retried, then its only attempt has the whole budget', async () => {
  const caller = brokers[2]!;
  const before = served.silent;
  const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => caller.call('probe.read', {}, { retries: 0 })));
  const failed = outcomes.filter((o) => o.status === 'rejected');
  expect(served.silent - before).toBe(failed.length);
  for (const f of failed) expect((f as PromiseRejectedResult).reason).toMatchObject({ name: 'RequestTimeoutError' });
});
