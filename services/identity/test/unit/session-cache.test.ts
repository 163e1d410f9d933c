import { SessionCache, type SessionFacts } from '../../src/session-cache.js';

const facts = (personId: string, roleId?: string): SessionFacts => ({
  principal: { personId, sessionId: `s-${personId}`, ...(roleId ? { role: { id: roleId, kind: 'user' as const } } : {}) },
  verifierHash: 'ab',
  expiresAt: 10_000_000,
  lastSeenAt: 0,
});

describe('SessionCache', () => {
  it('believes an entry for its time to live only', () => {
    const cache = new SessionCache(1_000);
    cache.put('a', facts('p1'), 0);
    expect(cache.get('a', 999)?.principal.personId).toBe('p1');
    expect(cache.get('a', 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps nothing when disabled (UM_SESSION_CACHE_MS=0)', () => {
    const cache = new SessionCache(0);
    cache.put('a', facts('p1'), 0);
    expect(cache.get('a', 0)).toBeUndefined();
  });

  it('forgets one session, every session of a person, or every session on a role', () => {
    const cache = new SessionCache(1_000);
    cache.put('a', facts('p1', 'r1'), 0);
    cache.put('b', facts('p1'), 0);
    cache.put('c', facts('p2', 'r2'), 0);
    cache.put('d', facts('p3', 'r2'), 0);
    cache.put('e', facts('p4'), 0);
    cache.forget({ sessionId: 'e' });
    expect(cache.get('e', 1)).toBeUndefined();
    cache.forget({ personId: 'p1' });
    expect([cache.get('a', 1), cache.get('b', 1)]).toEqual([undefined, undefined]);
    expect(cache.get('c', 1)).toBeDefined();
    cache.forget({ roleId: 'r2' });
    expect([cache.get('c', 1), cache.get('d', 1)]).toEqual([undefined, undefined]);
    expect(cache.size).toBe(0);
  });

  it('drops the oldest entries past its size', () => {
    const cache = new SessionCache(1_000, 2);
    cache.put('a', facts('p1'), 0);
    cache.put('b', facts('p2'), 0);
    cache.put('c', facts('p3'), 0);
    expect(cache.size).toBe(2);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('c', 1)).toBeDefined();
  });
});
