/**
 * `npm test`: provides NATS and the store (env → Docker → local binaries), then runs every jest
 * project (unit, integration, end-to-end) against them, and stops them whatever the outcome.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startInfra } from '../infra.js';
import { REPO_ROOT } from '../paths.js';

/** One plain closing line that any CI reads: `jest: N passed, N failed, N skipped`. */
function printSummary(report: string): void {
  try {
    const r = JSON.parse(fs.readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    process.stdout.write(`\njest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped\n`);
    fs.rmSync(report, { force: true });
  } catch {
    process.stdout.write('\njest: no report (the run did not complete)\n');
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const infra = await startInfra({ dockerFlavour: 'testcontainers' });
  const stop = () => infra.stop().catch(() => undefined);
  process.on('SIGINT', () => void stop().then(() => process.exit(130)));
  process.on('SIGTERM', () => void stop().then(() => process.exit(143)));
  try {
    const jest = path.join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
    const report = path.join(os.tmpdir(), `um-jest-${process.pid}.json`);
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [jest, '--json', `--outputFile=${report}`, ...process.argv.slice(2)], {
        cwd: REPO_ROOT,
        stdio: 'inherit',
        env: { ...process.env, NATS_URL: infra.natsUrl, MONGO_URL: infra.mongoUrl, UM_TEST_STORE: infra.store },
      });
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
    printSummary(report);
    process.stderr.write(`[test] finished in ${((Date.now() - started) / 1000).toFixed(1)} s against ${infra.store}\n`);
    return code;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`[test] failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
