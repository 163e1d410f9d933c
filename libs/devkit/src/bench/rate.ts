/** Load at a fixed offered rate (open loop): requests start on schedule whatever the answers do. */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RateResult {
  /** Latencies in ms, sorted, each from the request's scheduled start (no coordinated omission). */
  latencies: number[];
  errors: number;
  /** What the first failed request said (a bench that errs must say why). */
  firstError?: string;
  /** Requests not sent because `maxInFlight` were waiting: the system fell behind the offered rate. */
  shed: number;
  offered: number;
  seconds: number;
}

export async function atRate(rate: number, total: number, task: (i: number) => Promise<void>, maxInFlight = 512): Promise<RateResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let shed = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  let next = 0;
  while (next < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    while (next < due) {
      const i = next++;
      const scheduled = start + (i * 1000) / rate;
      if (inFlight >= maxInFlight) {
        shed += 1;
        continue;
      }
      inFlight += 1;
      const p: Promise<void> = task(i)
        .catch((err: unknown) => {
          errors += 1;
          firstError ??= (err as Error).message;
        })
        .then(() => {
          latencies.push(performance.now() - scheduled);
          inFlight -= 1;
          pending.delete(p);
        });
      pending.add(p);
    }
    await sleep(1);
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  return { latencies, errors, ...(firstError ? { firstError } : {}), shed, offered: rate, seconds: (performance.now() - start) / 1000 };
}
