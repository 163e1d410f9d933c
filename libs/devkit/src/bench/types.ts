import type { ApiClient } from '../api-client.js';
import type { Infra } from '../infra.js';
import type { RunningSystem } from '../system.js';

export interface BenchContext {
  api: ApiClient;
  system: RunningSystem;
  infra: Infra;
  /** Prints one figure line: `name: value unit (conditions)`. */
  report(line: string): void;
  /** Progress bar for long seeding: call with done/total. */
  progress(label: string, done: number, total: number): void;
}

/** A benchmark scenario: a file in libs/devkit/src/bench/ exporting `scenario`. */
export interface BenchScenario {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<void>;
}

/** Percentile of already-sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Runs `task` with `concurrency` workers until `total` calls are done; returns sorted latencies in ms. */
export async function load(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<{ latencies: number[]; seconds: number; errors: number; firstError?: string }> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        try {
          await task(i);
        } catch (err) {
          errors += 1;
          firstError ??= (err as Error).message;
        }
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return { latencies, seconds, errors, ...(firstError ? { firstError } : {}) };
}

