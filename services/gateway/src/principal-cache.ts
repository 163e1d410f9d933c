/**
 * What identity answered for a bearer token, kept by the gateway for a short time so that a steady
 * stream of requests with one token costs no call to identity (on the authorization check that call
 * was half of the work). Staleness is bounded as in identity's own cache (identity's session-cache.ts):
 * - the gateway drops the affected entries on the `identity.sessions.changed` broadcast (logout,
 *   account blocked or deleted, password changed, role blocked or revoked). Identity broadcasts
 *   before it answers, and NATS keeps one sender's order, so the gateway that carried the change
 *   has dropped them before it sends the answer on; another gateway drops them when the broadcast
 *   reaches it, a moment later;
 * - an entry is believed for at most `ttlMs` (UM_SESSION_CACHE_MS, 1 s by default) even if a
 *   broadcast was missed, and never past the session's own expiry (`validUntil`, absolute or idle);
 * - an answer that was under way when a change was broadcast serves the requests that were waiting
 *   for it but is not kept, and a request arriving after the broadcast does not wait for it: it
 *   makes a call of its own (so a background refresh started just before a logout cannot let the
 *   next request through).
 * A hot token is asked again in the background once half its time has passed, and concurrent
 * misses of one token share one call, so an expiry does not stall the requests behind it.
 * Entries are keyed by the whole token, so a hit presents the same secret identity verified.
 */
import type { AuthenticatedSession, PayloadOf, Principal } from '@um/contracts';
import { ExpiringMap, endedBy } from '@um/platform';

export class PrincipalCache {
  private readonly entries: ExpiringMap<string, Principal>;
  /** Calls under way, with the generation seen when each was made. */
  private readonly pending = new Map<string, { generation: number; call: Promise<Principal> }>();

  constructor(
    private readonly ttlMs: number,
    /** Asks identity; `requestId` is the id of the request that made the call (for the logs). */
    private readonly authenticate: (token: string, requestId?: string) => Promise<AuthenticatedSession>,
    maxEntries = 100_000,
  ) {
    this.entries = new ExpiringMap(maxEntries);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The principal of `token`; identity's refusal (UNAUTHENTICATED) or failure is thrown as is. */
  principalOf(token: string, requestId?: string, now = Date.now()): Promise<Principal> {
    const hit = this.entries.entry(token, now);
    if (!hit) return this.ask(token, requestId);
    if (hit.freshUntil - now <= this.ttlMs / 2) {
      // Refreshed ahead of expiry; a failure leaves the entry to expire and the next miss to report it.
      this.ask(token, requestId).catch(() => undefined);
    }
    return Promise.resolve(hit.value);
  }

  /** Drops what a session-ending change touches: one session, a person's, or a role's. */
  forget(scope: PayloadOf<'identity.sessions.changed'>): void {
    this.entries.deleteWhere((principal) => endedBy(scope, principal));
  }

  private ask(token: string, requestId?: string): Promise<Principal> {
    const generation = this.entries.generation;
    const shared = this.pending.get(token);
    // A call made before a session-ending change may carry an answer read before it.
    if (shared && shared.generation === generation) return shared.call;
    const call: Promise<Principal> = this.authenticate(token, requestId)
      .then(
        ({ principal, validUntil }) => {
          if (this.ttlMs > 0) this.entries.set(token, principal, Math.min(Date.now() + this.ttlMs, validUntil), generation);
          return principal;
        },
        (err: unknown) => {
          // Ended without a broadcast reaching this gateway (idle expiry, say): not believed any longer.
          if ((err as { type?: string }).type === 'UNAUTHENTICATED') this.entries.delete(token);
          throw err;
        },
      )
      .finally(() => {
        if (this.pending.get(token)?.call === call) this.pending.delete(token);
      });
    this.pending.set(token, { generation, call });
    return call;
  }
}
