/**
 * End-to-end ingestion of structured messages: the batch-channel simulator publishes N envelopes to
 * JetStream as fast as JetStream acknowledges; the rate is counted from the first publish to the
 * last `structured-messages.routed` outcome, and the lag of each message is routed − published.
 */
import os from 'node:os';
import { syntheticEnterpriseNumber, syntheticNiss } from '@um/domain';
import { connect } from 'nats';
import { batchSend } from '../cli/batch-send.js';
import { cpuPerUnit, cpuSnapshot } from './cpu.js';
import { percentile, type BenchScenario } from './types.js';

const TOTAL = Number(process.env.UM_BENCH_SM_MESSAGES ?? 20_000);
const PASSWORD = 'Bench#2026pw';

export const scenario: BenchScenario = {
  name: 'structured-messaging',
  description: `${TOTAL} structured messages published to JetStream by the simulator, ingested and routed (publish → routed)`,
  async run({ api, infra, report, progress }) {
    const seed = Math.floor(Math.random() * 9_000_000);
    const en = syntheticEnterpriseNumber(seed);
    // NISS away from those the routes scenario seeds (0–100k, 7M–8M, 9M), which may run first in the same store.
    const person = (i: number, role: string) => ({ niss: syntheticNiss(10_000_000 + (seed % 2_000_000) * 3 + i), firstName: 'Bench', lastName: role, language: 'en', username: `benchsm${seed}${i}`, password: PASSWORD });
    const ok = async (label: string, res: Promise<{ status: number; body: unknown }>) => {
      const r = await res;
      if (r.status >= 300) throw new Error(`${label}: ${r.status} ${JSON.stringify(r.body)}`);
    };
    const operator = await api.operator();
    await ok('onboard', api.post('/admin/enterprises', { enterpriseNumber: en, name: 'Bench SM', eligibleQualities: ['employer'], accessManager: person(0, 'Rae') }, operator.token));
    const rae = await api.loginAs(`benchsm${seed}0`, PASSWORD);
    await ok('employer', api.post(`/enterprises/${en}/qualities`, { type: 'employer', data: { employerRegistrationNumber: '123456789' }, localManager: person(1, 'Gl') }, rae.token));
    await ok('technical user', api.request('PUT', `/enterprises/${en}/qualities/employer/technical-user`, { token: rae.token, body: person(2, 'Tech') }));
    await ok('rule', api.request('PUT', `/enterprises/${en}/qualities/employer/routing/drs-unemployment`, { token: rae.token, body: { recipient: en } }));

    const nc = await connect({ servers: infra.natsUrl });
    const routedAt = new Map<string, number>();
    let rejected = 0;
    nc.subscribe('structured-messages.routed', {
      callback: (_err, msg) => {
        const id = (JSON.parse(new TextDecoder().decode(msg.data)) as { messageId: string }).messageId;
        if (!routedAt.has(id)) routedAt.set(id, Date.now());
      },
    });
    nc.subscribe('structured-messages.rejected', { callback: () => (rejected += 1) });
    await nc.flush();

    const publishedAt = new Map<string, number>();
    // From the first publish (the simulator's login before it is not ingestion), like the rate.
    let cpuBefore: Map<string, number> | undefined;
    const sent = await batchSend({
      gatewayUrl: api.baseUrl,
      natsUrl: infra.natsUrl,
      enterpriseNumber: en,
      quality: 'employer',
      declarationType: 'drs-unemployment',
      channel: 'ebox',
      count: TOTAL,
      username: `benchsm${seed}2`,
      password: PASSWORD,
      window: 1024,
      onPublished: (id, at) => {
        cpuBefore ??= cpuSnapshot();
        publishedAt.set(id, at);
      },
      onProgress: (done, total) => progress('publishing', done, total),
    });
    const deadline = Date.now() + 10 * 60_000;
    while (routedAt.size + rejected < TOTAL && Date.now() < deadline) {
      progress('routed', routedAt.size, TOTAL);
      await new Promise((r) => setTimeout(r, 250));
    }
    progress('routed', routedAt.size, TOTAL);
    const cpuAfter = cpuSnapshot();
    await nc.drain();

    const first = Math.min(...publishedAt.values());
    const last = Math.max(...routedAt.values());
    const lags = sent.messageIds.flatMap((id) => (routedAt.has(id) && publishedAt.has(id) ? [routedAt.get(id)! - publishedAt.get(id)!] : [])).sort((a, b) => a - b);
    const conditions = `${os.cpus().length} cores shared by every process and the load generator, store: ${infra.store}, one structured-messaging process (batches of ${process.env.UM_SM_BATCH_SIZE ?? 500}, ${process.env.UM_SM_MAX_IN_FLIGHT ?? 2} in flight), NATS JetStream file storage`;
    report(`publish rate (simulator, JetStream acks, window 1024): ${(TOTAL / sent.seconds).toFixed(0)} msg/s`);
    report(`end-to-end ingestion rate (first publish → last routed): ${(routedAt.size / ((last - first) / 1000)).toFixed(0)} msg/s (${routedAt.size} routed, ${rejected} rejected of ${TOTAL}; ${conditions})`);
    report(`lag publish → routed: p50 ${percentile(lags, 50).toFixed(0)} ms, p99 ${percentile(lags, 99).toFixed(0)} ms, max ${(lags.at(-1) ?? NaN).toFixed(0)} ms`);
    const cpu = cpuPerUnit(cpuBefore ?? cpuAfter, cpuAfter, TOTAL);
    const totalUs = cpu.totalUs;
    report(`CPU per message, publish → last routed, all processes: ${cpu.text}`);
    report(`CPU-bound ceiling at that cost on ${os.cpus().length} cores with nothing else running: ${((os.cpus().length * 1e6) / totalUs).toFixed(0)} msg/s; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  },
};
