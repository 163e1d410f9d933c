/**
 * What logging and tracing cost per request, at the level the system runs at (`npm run bench`
 * starts it at UM_BENCH_LOG_LEVEL, `warn` unless set; run it at `info`, the production default, to
 * see what request logs cost). Small: one enterprise, its RAE's session, then GET
 * /authorizations/check (answered by user-management's projection) and GET /me (answered by
 * identity) through the gateway: CPU per request by process, and log bytes written per request.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { syntheticEnterpriseNumber, syntheticNiss } from '@um/domain';
import { keepAliveJson } from '../api-client.js';
import { cpuPerUnit, cpuSnapshot } from './cpu.js';
import { load, percentile, type BenchScenario } from './types.js';

const REQUESTS = Number(process.env.UM_BENCH_LOG_REQUESTS ?? 20_000);
const WARM_UP = 5_000;
const IN_FLIGHT = 8;
const PASSWORD = 'Bench#2026pw';

/** Bytes written so far to the processes' log files (the bench runner's log folder). */
function logBytes(): number {
  const dir = path.join(os.tmpdir(), `um-bench-logs-${process.pid}`);
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
}

export const scenario: BenchScenario = {
  name: 'request-logs',
  description: `CPU and log bytes per request at LOG_LEVEL=${process.env.UM_BENCH_LOG_LEVEL ?? 'warn'}${process.env.UM_OTLP_URL ? ', spans exported' : ''}: ${REQUESTS} GET /authorizations/check and ${REQUESTS} GET /me, ${IN_FLIGHT} in flight`,
  async run({ api, system, report }) {
    const operator = await api.operator();
    const en = syntheticEnterpriseNumber(7_000_000 + (process.pid % 1000));
    const username = `logbench${process.pid}`.slice(0, 30);
    const onboarded = await api.post(
      '/admin/enterprises',
      {
        enterpriseNumber: en,
        name: 'Log bench',
        eligibleQualities: ['employer'],
        accessManager: { niss: syntheticNiss(8_000_000 + (process.pid % 1000)), firstName: 'Rae', lastName: 'Bench', language: 'en', username, password: PASSWORD },
      },
      operator.token,
    );
    if (onboarded.status !== 201) throw new Error(`onboarding: ${onboarded.status} ${JSON.stringify(onboarded.body)}`);
    const { token } = await api.loginAs(username, PASSWORD);
    const request = keepAliveJson(system.baseUrl, IN_FLIGHT);
    const runs: Array<[string, string]> = [
      ['GET /authorizations/check', `/api/v1/authorizations/check?application=user-management&enterpriseNumber=${en}`],
      ['GET /me', '/api/v1/me'],
    ];
    for (const [label, url] of runs) {
      const once = async () => {
        const res = await request('GET', url, { token });
        if (res.status !== 200) throw new Error(`${label}: ${res.status}`);
      };
      await load(WARM_UP, IN_FLIGHT, once);
      const bytesBefore = logBytes();
      const cpuBefore = cpuSnapshot();
      const run = await load(REQUESTS, IN_FLIGHT, once);
      const cpu = cpuPerUnit(cpuBefore, cpuSnapshot(), REQUESTS);
      // Log files are appended asynchronously: let the last lines land.
      await new Promise((r) => setTimeout(r, 500));
      const bytes = (logBytes() - bytesBefore) / REQUESTS;
      report(
        `${label}: CPU per request ${cpu.text}; log ${bytes.toFixed(0)} bytes per request; ${(REQUESTS / run.seconds).toFixed(0)} requests/s, p50 ${percentile(run.latencies, 50).toFixed(2)} ms, p99 ${percentile(run.latencies, 99).toFixed(2)} ms, errors ${run.errors}`,
      );
    }
  },
};
