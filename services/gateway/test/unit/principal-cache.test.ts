import type { AuthenticatedSession } from '@um/contracts';
import { PrincipalCache } from '../../src/principal-cache.js';

const session = (personId: string, validUntil = Number.MAX_SAFE_INTEGER, roleId?: string): AuthenticatedSession => ({
  principal: { personId, sessionId: `s-${personId}`, ...(roleId ? { role: { id: roleId, kind: 'user' as const } } : {}) },
  validUntil,
});

/** An authenticate whose answers the test releases one by one. */
function controlledIdentity() {
  const calls: Array<{ token: string; requestId?: string; answer(s: AuthenticatedSession): void; refuse(err: Error): void }> = [];
  const authenticate = (token: string, requestId?: string) =>
    new Promise<AuthenticatedSession>((resolve, reject) => calls.push({ token, requestId, answer: resolve, refuse: reject }));
  return { calls, authenticate };
}

const tick = () => new Promise((r) => setImmediate(r));

/** A cache holding the answer for each token (identity answered each once); `identity` takes the calls that follow. */
async function cacheHolding(ttlMs: number, answers: Record<string, AuthenticatedSession>) {
  const identity = controlledIdentity();
  const cache = new PrincipalCache(ttlMs, identity.authenticate);
  for (const [token, answer] of Object.entries(answers)) {
    const pending = cache.principalOf(token);
    identity.calls.at(-1)!.answer(answer);
    await pending;
  }
  return { identity, cache };
}

describe('PrincipalCache', () => {
  it('asks identity once for concurrent requests with one token, then answers from memory until the time to live', async () => {
    const identity = controlledIdentity();
    const cache = new PrincipalCache(1_000, identity.authenticate);
    const first = cache.principalOf('t1', 'req-1', 0);
    const second = cache.principalOf('t1', 'req-2', 0);
    expect(identity.calls).toHaveLength(1);
    expect(identity.calls[0]!.requestId).toBe('req-1'); // the request that made the call, for the logs
    identity.calls[0]!.answer(session('p1'));
    await expect(Promise.all([first, second])).resolves.toEqual([session('p1').principal, session('p1').principal]);
    const now = Date.now();
    await expect(cache.principalOf('t1', undefined, now + 100)).resolves.toEqual(session('p1').principal);
    expect(identity.calls).toHaveLength(1);
    // Past the time to live: asked again, and the request waits for the answer.
    const late = cache.principalOf('t1', undefined, now + 1_100);
    expect(identity.calls).toHaveLength(2);
    identity.calls[1]!.refuse(Object.assign(new Error('ended'), { type: 'UNAUTHENTICATED' }));
    await expect(late).rejects.toMatchObject({ type: 'UNAUTHENTICATED' });
  });

  it('asks again in the background once half the time has passed, answering from memory meanwhile', async () => {
    const { identity, cache } = await cacheHolding(1_000, { t1: session('p1') });
    const now = Date.now();
    await expect(cache.principalOf('t1', undefined, now + 600)).resolves.toEqual(session('p1').principal);
    expect(identity.calls).toHaveLength(2);
  });

  it('drops the entry at once when a background refresh is refused', async () => {
    const { identity, cache } = await cacheHolding(1_000, { t1: session('p1') });
    const now = Date.now();
    await cache.principalOf('t1', undefined, now + 600); // served from memory, refresh started
    identity.calls[1]!.refuse(Object.assign(new Error('ended'), { type: 'UNAUTHENTICATED' }));
    await tick();
    expect(cache.size).toBe(0);
    void cache.principalOf('t1', undefined, now + 700).catch(() => undefined);
    expect(identity.calls).toHaveLength(3);
  });

  it('never believes an answer past the session’s own expiry', async () => {
    const identity = controlledIdentity();
    const cache = new PrincipalCache(60_000, identity.authenticate);
    const now = Date.now();
    const pending = cache.principalOf('t1', undefined, now);
    identity.calls[0]!.answer(session('p1', now + 5_000));
    await pending;
    void cache.principalOf('t1', undefined, now + 5_001).catch(() => undefined);
    expect(identity.calls).toHaveLength(2);
  });

  it('forgets a session, a person’s sessions or a role’s sessions on a broadcast', async () => {
    const { cache } = await cacheHolding(60_000, { a: session('p1', undefined, 'r1'), b: session('p2'), c: session('p3', undefined, 'r3') });
    expect(cache.size).toBe(3);
    cache.forget({ personId: 'p2' });
    expect(cache.size).toBe(2);
    cache.forget({ roleId: 'r1' });
    expect(cache.size).toBe(1);
    cache.forget({ sessionId: 's-p3' });
    expect(cache.size).toBe(0);
  });

  it('does not keep an answer that was under way when a session-ending change was broadcast', async () => {
    const identity = controlledIdentity();
    const cache = new PrincipalCache(60_000, identity.authenticate);
    const pending = cache.principalOf('t1');
    cache.forget({ personId: 'p1' }); // the logout is seen before identity's (older) answer arrives
    identity.calls[0]!.answer(session('p1'));
    await expect(pending).resolves.toEqual(session('p1').principal);
    await tick();
    expect(cache.size).toBe(0);
  });

  it('does not let a request that arrives after a broadcast wait for a call made before it', async () => {
    const { identity, cache } = await cacheHolding(1_000, { t1: session('p1') });
    const now = Date.now();
    await cache.principalOf('t1', undefined, now + 600); // served from memory, background refresh under way
    expect(identity.calls).toHaveLength(2);
    cache.forget({ sessionId: 's-p1' }); // the logout is broadcast while the refresh is under way
    const next = cache.principalOf('t1', undefined, now + 700);
    expect(identity.calls).toHaveLength(3); // a call of its own, not the refresh's
    identity.calls[1]!.answer(session('p1')); // the refresh's answer was read before the logout
    identity.calls[2]!.refuse(Object.assign(new Error('ended'), { type: 'UNAUTHENTICATED' }));
    await expect(next).rejects.toMatchObject({ type: 'UNAUTHENTICATED' });
    await tick();
    expect(cache.size).toBe(0);
    // Later misses share calls again.
    const a = cache.principalOf('t1', undefined, now + 800);
    const b = cache.principalOf('t1', undefined, now + 800);
    expect(identity.calls).toHaveLength(4);
    identity.calls[3]!.refuse(Object.assign(new Error('ended'), { type: 'UNAUTHENTICATED' }));
    await expect(Promise.all([a, b])).rejects.toMatchObject({ type: 'UNAUTHENTICATED' });
  });

  it('keeps nothing when UM_SESSION_CACHE_MS is 0', async () => {
    const { identity, cache } = await cacheHolding(0, { t1: session('p1') });
    void cache.principalOf('t1');
    expect(identity.calls).toHaveLength(2);
  });
});
