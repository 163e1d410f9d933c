import { CoalescingRunner } from '../../src/coalescing-runner.js';

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('CoalescingRunner', () => {
  it('runs at once when idle, never twice at once, and once more after a run during which it was asked (however often)', async () => {
    const gates = [gate(), gate()];
    let runs = 0;
    let concurrent = 0;
    let most = 0;
    const runner = new CoalescingRunner(async () => {
      const g = gates[runs++];
      concurrent += 1;
      most = Math.max(most, concurrent);
      await g?.promise;
      concurrent -= 1;
    }, () => undefined);
    runner.kick();
    expect(runs).toBe(1);
    runner.kick();
    runner.kick();
    runner.kick();
    expect(runs).toBe(1);
    gates[0]!.open();
    await tick();
    expect(runs).toBe(2); // the three requests made during the first run: one more run
    gates[1]!.open();
    await tick();
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('reports a failed run and runs again on the next request', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const runner = new CoalescingRunner(async () => {
      runs += 1;
      if (runs === 1) throw new Error('store down');
    }, (err) => errors.push(err));
    runner.kick();
    await tick();
    expect(errors).toHaveLength(1);
    runner.kick();
    await tick();
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('once stopped, waits for the run in progress, does not run the one asked for during it, and starts none', async () => {
    const g = gate();
    let runs = 0;
    const runner = new CoalescingRunner(async () => {
      runs += 1;
      await g.promise;
    }, () => undefined);
    runner.kick();
    runner.kick();
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await tick();
    expect(stopped).toBe(false);
    g.open();
    await stopping;
    runner.kick();
    await tick();
    expect(runs).toBe(1);
  });
});
