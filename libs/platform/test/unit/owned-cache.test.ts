import { OwnedCache } from '../../src/owned-cache.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('OwnedCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('reads the store once for repeated reads, and again once the entry is older than ttlMs', async () => {
    const cache = new OwnedCache<string>('t.records', 100, 10, clock);
    const load = jest.fn(async () => 'v1');
    expect(await cache.read('k', load)).toBe('v1');
    expect(await cache.read('k', load)).toBe('v1');
    expect(load).toHaveBeenCalledTimes(1);
    now += 100;
    expect(await cache.read('k', load)).toBe('v1');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not keep what is not found, and reads every time when ttlMs is 0', async () => {
    const missing = new OwnedCache<string>('t.records', 100, 10, clock);
    const none = jest.fn(async () => undefined);
    await missing.read('k', none);
    await missing.read('k', none);
    expect(none).toHaveBeenCalledTimes(2);
    const off = new OwnedCache<string>('t.records', 0, 10, clock);
    const load = jest.fn(async () => 'v');
    await off.read('k', load);
    await off.read('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('after a write (changed), reads the store again here and broadcasts the drop to the other instances', async () => {
    const cache = new OwnedCache<string>('t.records', 60_000, 10, clock);
    let stored = 'before';
    await cache.read('k', async () => stored);
    stored = 'after';
    const broadcast = jest.fn(async () => undefined);
    await cache.changed({ broadcast } as never, ['k', 'k']);
    expect(broadcast).toHaveBeenCalledWith('cache.dropped', { cache: 't.records', keys: ['k'] });
    expect(await cache.read('k', async () => stored)).toBe('after');
  });

  it('drops on another instance’s broadcast of its own name only', async () => {
    const cache = new OwnedCache<string>('t.records', 60_000, 10, clock);
    await cache.read('k', async () => 'before');
    cache.onDropped({ cache: 'other.records', keys: ['k'] });
    expect(await cache.read('k', async () => 'unused')).toBe('before');
    cache.onDropped({ cache: 't.records', keys: ['k'] });
    expect(await cache.read('k', async () => 'after')).toBe('after');
  });

  it('does not keep a value read while a drop happened: a read begun before a write never outlives it', async () => {
    const cache = new OwnedCache<string>('t.records', 60_000, 10, clock);
    const slow = deferred<string>();
    const pending = cache.read('k', () => slow.promise);
    cache.onDropped({ cache: 't.records', keys: ['k'] }); // the write lands while the old value is on its way
    slow.resolve('old');
    expect(await pending).toBe('old'); // that read answers what it read...
    expect(await cache.read('k', async () => 'new')).toBe('new'); // ...but the next one reads again
  });

  it('shares one load between concurrent reads of a key, but not across a drop', async () => {
    const cache = new OwnedCache<string>('t.records', 60_000, 10, clock);
    const first = deferred<string>();
    const load = jest.fn(() => first.promise);
    const a = cache.read('k', load);
    const b = cache.read('k', load);
    cache.onDropped({ cache: 't.records', keys: ['k'] });
    const c = cache.read('k', async () => 'fresh');
    first.resolve('old');
    expect([await a, await b, await c]).toEqual(['old', 'old', 'fresh']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('broadcasts a large change in parts within the event’s bound', async () => {
    const cache = new OwnedCache<string>('t.records', 60_000, 10, clock);
    const broadcast = jest.fn(async () => undefined);
    await cache.changed({ broadcast } as never, Array.from({ length: 2_500 }, (_, i) => `k${i}`));
    expect((broadcast.mock.calls as unknown as Array<[string, { keys: string[] }]>).map(([, p]) => p.keys.length)).toEqual([1_000, 1_000, 500]);
  });

  it('keeps a value no longer than the instant it says it stops holding, when that comes before its time to live', async () => {
    now = 0;
    const cache = new OwnedCache<{ v: string; until?: number }>('t.records', 1_000, 10, clock);
    const holdsUntil = (value: { until?: number }) => value.until;
    expect(await cache.read('k', async () => ({ v: 'before', until: 300 }), holdsUntil)).toEqual({ v: 'before', until: 300 });
    now = 299;
    expect((await cache.read('k', async () => ({ v: 'reread' }), holdsUntil))?.v).toBe('before');
    now = 300;
    expect((await cache.read('k', async () => ({ v: 'after' }), holdsUntil))?.v).toBe('after');
    now = 1_299;
    expect((await cache.read('k', async () => ({ v: 'again' }), holdsUntil))?.v).toBe('after');
    now = 1_300;
    expect((await cache.read('k', async () => ({ v: 'again' }), holdsUntil))?.v).toBe('again');
  });
});
