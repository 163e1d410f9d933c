/**
 * Bulk import (docs/import.md): one CSV file of UM_BENCH_IMPORT_ROWS new users (10,000 by default)
 * imported into a quality by its GL; rows/s counted from the POST to the job's `finished`, for the
 * dry run and the real run, then the rerun of the same file (every row `unchanged`).
 */
import { syntheticEnterpriseNumber, syntheticNiss } from '@um/domain';
import os from 'node:os';
import { cpuPerUnit, cpuSnapshot } from './cpu.js';
import type { BenchScenario } from './types.js';

const ROWS = Number(process.env.UM_BENCH_IMPORT_ROWS ?? 10_000);
const PASSWORD = 'Bench#2026pw';

export const scenario: BenchScenario = {
  name: 'import',
  description: `a CSV file of ${ROWS} new users imported by the GL of a quality (POST …/users/import → job finished)`,
  async run({ api, report, progress }) {
    const seed = Math.floor(Math.random() * 9_000_000);
    const en = syntheticEnterpriseNumber(seed);
    // NISS away from those the other scenarios seed (up to 20M): 30M on.
    const niss = (i: number) => syntheticNiss(30_000_000 + (seed % 1_000_000) * 20 + i);
    const manager = (i: number, role: string) => ({ niss: niss(i), firstName: 'Bench', lastName: role, language: 'en', username: `benchim${seed}${i}`, password: PASSWORD });
    const ok = async (label: string, res: Promise<{ status: number; body: unknown }>) => {
      const r = await res;
      if (r.status >= 300) throw new Error(`${label}: ${r.status} ${JSON.stringify(r.body)}`);
      return r;
    };
    const operator = await api.operator();
    await ok('onboard', api.post('/admin/enterprises', { enterpriseNumber: en, name: 'Bench import', eligibleQualities: ['employer'], accessManager: manager(0, 'Rae') }, operator.token));
    const rae = await api.loginAs(`benchim${seed}0`, PASSWORD);
    await ok('employer', api.post(`/enterprises/${en}/qualities`, { type: 'employer', data: { employerRegistrationNumber: '123456789' }, localManager: manager(1, 'Gl') }, rae.token));
    const gl = await api.loginAs(`benchim${seed}1`, PASSWORD, (r) => r.kind === 'local-manager');

    const lines = ['niss;firstName;lastName;title;language;email;companyEmail;username;applications'];
    for (let i = 0; i < ROWS; i++) lines.push(`${niss(10 + i)};Emma;Bench;;nl;emma${i}@example.be;;bim${seed}x${i};dimona|drs`);
    const file = `${lines.join('\n')}\n`;
    const users = `/enterprises/${en}/qualities/employer/users`;

    const run = async (label: string, dryRun: boolean) => {
      const started = process.hrtime.bigint();
      const cpuBefore = cpuSnapshot();
      // Not ApiClient.request: a dry run of 10,000 rows may answer after its 30 s timeout.
      const res = await fetch(`${api.baseUrl}/api/v1${users}/import${dryRun ? '?dryRun=true' : ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gl.token}`, 'content-type': 'text/csv' },
        body: file,
        signal: AbortSignal.timeout(600_000),
      });
      if (res.status >= 300) throw new Error(`${label}: ${res.status} ${await res.text()}`);
      let job = (await res.json()) as { importId: string; status: string; counts: Record<string, number> };
      while (job.status !== 'finished') {
        await new Promise((resolve) => setTimeout(resolve, 250));
        job = (await ok(label, api.get(`${users}/imports/${job.importId}?pageSize=1`, gl.token))).body as typeof job;
        progress(label, job.counts.done ?? 0, ROWS);
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const { total, created, reused, unchanged, error } = job.counts;
      // From the POST to the finished job (the outbox may still be publishing the job's audit records).
      const cpu = cpuPerUnit(cpuBefore, cpuSnapshot(), ROWS);
      report(`${label}: ${(ROWS / seconds).toFixed(0)} rows/s (${ROWS} rows in ${seconds.toFixed(1)} s; total ${total}, created ${created}, reused ${reused}, unchanged ${unchanged}, error ${error})`);
      report(`  CPU per row, all processes: ${cpu.text}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    };
    await run('dry run', true);
    await run('import', false);
    await run('re-import (all unchanged)', false);
  },
};
