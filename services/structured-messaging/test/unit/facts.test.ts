import { RecentLookups } from '../../src/facts';

function lookups(maxAgeMs = 1_000) {
  let clock = 1_000;
  const calls: string[] = [];
  let fail = false;
  const recent = new RecentLookups<string, string>(
    async (arg) => {
      calls.push(arg);
      if (fail) throw new Error('service down');
      return `${arg}@${clock}`;
    },
    maxAgeMs,
    () => clock,
  );
  return {
    recent,
    calls,
    tick: (ms: number) => (clock += ms),
    failNext: (v: boolean) => (fail = v),
  };
}

describe('RecentLookups', () => {
  test('when a later batch was delivered before the look-up started and within the max age, then it shares that look-up', async () => {
    const l = lookups();
    expect(await l.recent.get('k', 'a', 900)).toBe('a@1000');
    l.tick(300);
    expect(await l.recent.get('k', 'a', 950)).toBe('a@1000');
    expect(l.calls).toEqual(['a']);
  });

  test('when a batch has a message delivered after the look-up started, then it asks again (a change made before that message was published is seen)', async () => {
    const l = lookups();
    await l.recent.get('k', 'a', 900);
    l.tick(10);
    expect(await l.recent.get('k', 'a', 1_001)).toBe('a@1010');
    expect(l.calls).toEqual(['a', 'a']);
  });

  test('when the look-up started in the same millisecond as the last delivery, then it is asked again (it may have come first)', async () => {
    const l = lookups();
    await l.recent.get('k', 'a', 900);
    expect(await l.recent.get('k', 'a', 1_000)).toBe('a@1000');
    expect(l.calls).toEqual(['a', 'a']);
  });

  test('when the look-up is older than the max age, then it is asked again', async () => {
    const l = lookups(1_000);
    await l.recent.get('k', 'a', 0);
    l.tick(1_001);
    expect(await l.recent.get('k', 'a', 0)).toBe('a@2001');
    expect(l.calls).toHaveLength(2);
  });

  test('when the max age is 0, then every batch asks', async () => {
    const l = lookups(0);
    await l.recent.get('k', 'a', 0);
    l.tick(1);
    await l.recent.get('k', 'a', 0);
    expect(l.calls).toHaveLength(2);
  });

  test('when a look-up fails, then it is not kept: the next batch asks again', async () => {
    const l = lookups();
    l.failNext(true);
    await expect(l.recent.get('k', 'a', 0)).rejects.toThrow('service down');
    l.failNext(false);
    expect(await l.recent.get('k', 'a', 0)).toBe('a@1000');
    expect(l.calls).toHaveLength(2);
  });

  test('when keys differ, then they are looked up separately', async () => {
    const l = lookups();
    await Promise.all([l.recent.get('k1', 'a', 0), l.recent.get('k2', 'b', 0)]);
    expect(l.calls.sort()).toEqual(['a', 'b']);
  });
});
