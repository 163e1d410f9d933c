/**
 * What `identity.authenticate` found for a session, kept for a short time so that a steady stream
 * of requests with one token costs no store query. Staleness is bounded twice:
 * - every identity instance drops the affected entries when a session-ending change is broadcast
 *   (`identity.sessions.changed`: logout, block, delete, password change, role blocked or revoked);
 *   the instance making the change drops them before it answers, and the broadcast leaves before
 *   its answer, so through one NATS server the next request is refused on every instance;
 * - an entry is believed for at most `ttlMs` (UM_SESSION_CACHE_MS, 1 s by default) even if a
 *   broadcast was missed (an instance cut from NATS), after which the store is asked again.
 * Idle and absolute expiry are checked on every hit. Bounded in size: the oldest entries go first.
 */
import type { PayloadOf, Principal } from '@um/contracts';
import { ExpiringMap, endedBy } from '@um/platform';

/** What authenticate reads of a session and what it depends on. */
export interface SessionFacts {
  principal: Principal;
  /** SHA-256 (hex) of the token's secret part: a hit must present the same secret. */
  verifierHash: string;
  expiresAt: number;
  /** lastSeenAt as stored; idle expiry counts from it. */
  lastSeenAt: number;
}

export interface CachedSession extends SessionFacts {
  /** Believed until then; asked again afterwards. */
  freshUntil: number;
}

export class SessionCache {
  private readonly entries: ExpiringMap<string, SessionFacts>;

  constructor(
    private readonly ttlMs: number,
    maxEntries = 100_000,
  ) {
    this.entries = new ExpiringMap(maxEntries);
  }

  get size(): number {
    return this.entries.size;
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** The fresh entry of this session, or nothing (expired entries are dropped). */
  get(sessionId: string, now: number): CachedSession | undefined {
    const entry = this.entries.entry(sessionId, now);
    return entry && { ...entry.value, freshUntil: entry.freshUntil };
  }

  /** See ExpiringMap.generation: read it before reading the store, give it back here. */
  get generation(): number {
    return this.entries.generation;
  }

  /** Keeps what was read, unless a session-ending change was seen since `generationBefore` (when given). */
  put(sessionId: string, entry: SessionFacts, now: number, generationBefore?: number): void {
    if (this.enabled) this.entries.set(sessionId, entry, now + this.ttlMs, generationBefore);
  }

  /** Drops what a session-ending change touches: one session, a person's, or a role's. */
  forget(scope: PayloadOf<'identity.sessions.changed'>): void {
    // Entries are keyed by session id: one session is dropped without a scan.
    if (scope.sessionId) this.entries.delete(scope.sessionId);
    if (scope.personId || scope.roleId) this.entries.deleteWhere((entry) => endedBy(scope, entry.principal));
  }
}
