/**
 * `npm run bench [-- name…]`: starts NATS, the store and the whole system (LOG_LEVEL=warn, or
 * UM_BENCH_LOG_LEVEL), then
 * runs every scenario in libs/devkit/src/bench/ (or the named ones) and prints their figures with
 * the conditions they were measured in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiClient, OPERATOR } from '../api-client.js';
import type { BenchScenario } from '../bench/types.js';
import { startInfra } from '../infra.js';
import { parseInstances, startSystem } from '../system.js';

function loadScenarios(): BenchScenario[] {
  const dir = path.join(__dirname, '..', 'bench');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.js') && f !== 'types.js')
    .sort()
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- scenarios are discovered at run time
    .map((f) => (require(path.join(dir, f)) as { scenario?: BenchScenario }).scenario)
    .filter((s): s is BenchScenario => Boolean(s));
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const scenarios = loadScenarios().filter((s) => wanted.length === 0 || wanted.includes(s.name));
  if (scenarios.length === 0) throw new Error(`no scenario matches ${wanted.join(', ')}`);
  const infra = await startInfra({ dockerFlavour: 'testcontainers' });
  const logDir = path.join(os.tmpdir(), `um-bench-logs-${process.pid}`);
  const system = await startSystem({
    natsUrl: infra.natsUrl,
    mongoUrl: infra.mongoUrl,
    instances: parseInstances(process.env.UM_INSTANCES),
    logDir,
    env: {
      // warn unless UM_BENCH_LOG_LEVEL says otherwise (info: what request logs cost, bench request-logs).
      LOG_LEVEL: process.env.UM_BENCH_LOG_LEVEL ?? 'warn',
      UM_DB_PREFIX: `bench${process.pid}`,
      // The load generator stands for many clients behind a proxy: their addresses come in X-Forwarded-For.
      UM_TRUSTED_PROXIES: '127.0.0.1',
      UM_BOOTSTRAP_OPERATOR_USERNAME: OPERATOR.username,
      UM_BOOTSTRAP_OPERATOR_PASSWORD: OPERATOR.password,
    },
    readyTimeoutMs: 120_000,
  });
  // Interrupted (Ctrl-C, SIGTERM): stop the system and the servers rather than leave them running.
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    await system.stop();
    await infra.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll().then(() => process.exit(signal === 'SIGINT' ? 130 : 143)));
  const conditions = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, store: ${infra.store}, one process per service unless UM_INSTANCES`;
  process.stdout.write(`\n# User Management bench — ${new Date().toISOString()}\n# ${conditions}\n`);
  try {
    for (const scenario of scenarios) {
      process.stdout.write(`\n## ${scenario.name}: ${scenario.description}\n`);
      await scenario.run({
        api: new ApiClient(system.baseUrl),
        system,
        infra,
        report: (line) => process.stdout.write(`${line}\n`),
        progress: (label, done, total) => {
          if (!process.stderr.isTTY && done !== total && done % Math.max(1, Math.floor(total / 20)) !== 0) return;
          const width = 30;
          const filled = Math.round((done / total) * width);
          process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
        },
      });
    }
  } finally {
    await stopAll();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
