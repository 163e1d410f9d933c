import { whenServicesUp } from '../../src/when-up';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

function brokerWith(up: Set<string>) {
  return { registry: { hasService: (name: string) => up.has(name) } } as never;
}

describe('whenServicesUp', () => {
  it('runs once every named service is known, not before, and only once', async () => {
    const up = new Set<string>(['identity']);
    let runs = 0;
    whenServicesUp(brokerWith(up), ['identity', 'enterprise'], () => (runs += 1), 5);
    await tick(30);
    expect(runs).toBe(0);
    up.add('enterprise');
    await tick(30);
    await tick(30);
    expect(runs).toBe(1);
  });

  it('runs at once when the services are already there', () => {
    let runs = 0;
    whenServicesUp(brokerWith(new Set(['identity'])), ['identity'], () => (runs += 1));
    expect(runs).toBe(1);
  });

  it('never runs once cancelled', async () => {
    const up = new Set<string>();
    let runs = 0;
    const cancel = whenServicesUp(brokerWith(up), ['identity'], () => (runs += 1), 5);
    cancel();
    up.add('identity');
    await tick(30);
    expect(runs).toBe(0);
  });
});
