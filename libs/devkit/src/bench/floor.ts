/**
 * What this machine allows a route at the check's rate, without the product's code: the same load
 * generator and the same NATS server as `routes`, against a bare Node HTTP server, then against
 * one that makes one NATS request/reply per request to a bare responder (nats.js, no Moleculer, no
 * Fastify), as the gateway asks user-management for each check. The check as built cannot be
 * below the second: compare its line in `routes`, run just after (`npm run bench -- floor routes`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { cpuPerUnit, cpuSnapshot } from './cpu.js';
import { loadgen } from './loadgen.js';
import { percentile, type BenchScenario } from './types.js';

const RATE = 10_000;
const TOTAL = 50_000;
/** At the rate before measuring, so each process's compiled code and heap have settled. */
const WARM_UP = 20_000;

/** Starts `floor-server.js <role>` (compiled: from dist/ whether this runs from dist/ or src/). */
export function startFloorProcess(role: 'http' | 'hop' | 'responder', natsUrl: string): { child: ChildProcess; port: Promise<number> } {
  const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'dist', 'floor-server.js'), role, natsUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`floor ${role} exited with ${code}`)));
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  return { child, port };
}

export const scenario: BenchScenario = {
  name: 'floor',
  description: `what the machine allows at ${RATE}/s offered without the product's code: a bare HTTP server, and one making a NATS request/reply per request`,
  async run({ infra, report }) {
    const responder = startFloorProcess('responder', infra.natsUrl);
    await responder.port;
    const servers = [
      { label: 'bare Node HTTP server', ...startFloorProcess('http', infra.natsUrl) },
      { label: 'Node HTTP server + one NATS request/reply to a bare responder', ...startFloorProcess('hop', infra.natsUrl) },
    ];
    try {
      for (const server of servers) {
        const baseUrl = `http://127.0.0.1:${await server.port}`;
        const requests = [{ path: '/authorizations/check', bodyContains: '"allowed":true' }];
        await loadgen(baseUrl, { mode: 'rate', rate: RATE, total: WARM_UP }, requests);
        const before = cpuSnapshot();
        const run = await loadgen(baseUrl, { mode: 'rate', rate: RATE, total: TOTAL }, requests);
        const cpu = cpuPerUnit(before, cpuSnapshot(), TOTAL);
        const ms = (p: number) => `${percentile(run.latencies, p).toFixed(1)} ms`;
        report(
          `${server.label}, ${RATE}/s offered (${TOTAL} requests): ${(TOTAL / run.seconds).toFixed(0)} req/s done, p50 ${ms(50)}, p95 ${ms(95)}, p99 ${ms(99)}, ` +
            `errors ${run.errors}${run.firstError ? ` (first: ${run.firstError})` : ''}, wrong answers ${run.wrong}; CPU per request ${cpu.text}`,
        );
      }
    } finally {
      for (const { child } of [responder, ...servers]) child.kill();
    }
  },
};
