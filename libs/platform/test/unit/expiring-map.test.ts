import { ExpiringMap } from '../../src/expiring-map.js';

describe('ExpiringMap', () => {
  it('answers an entry until its own time only, and drops it then', () => {
    const map = new ExpiringMap<string, number>(10);
    map.set('a', 1, 1_000);
    map.set('b', 2, 500);
    expect(map.entry('a', 999)).toEqual({ value: 1, freshUntil: 1_000 });
    expect(map.get('b', 500)).toBeUndefined();
    expect(map.get('a', 1_000)).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest first', () => {
    const map = new ExpiringMap<string, number>(2);
    map.set('a', 1, 10);
    map.set('b', 2, 10);
    map.set('a', 3, 10); // re-set: now the newest
    map.set('c', 4, 10);
    expect([map.get('a', 0), map.get('b', 0), map.get('c', 0)]).toEqual([3, undefined, 4]);
  });

  it('deletes by key or by value', () => {
    const map = new ExpiringMap<string, { person: string }>(10);
    map.set('a', { person: 'p1' }, 10);
    map.set('b', { person: 'p1' }, 10);
    map.set('c', { person: 'p2' }, 10);
    map.deleteWhere((v) => v.person === 'p1');
    map.delete('missing');
    expect(map.size).toBe(1);
    expect(map.get('c', 0)).toEqual({ person: 'p2' });
  });

  it('keeps nothing read before a removal that happened during the read (generation)', () => {
    const map = new ExpiringMap<string, number>(10);
    const before = map.generation;
    map.deleteWhere(() => true); // a change seen while the value was being read
    map.set('a', 1, 10, before);
    expect(map.get('a', 0)).toBeUndefined();
    map.set('a', 1, 10, map.generation);
    expect(map.get('a', 0)).toBe(1);
  });
});
