/**
 * What quality, identity and routing-module say about the messages of a batch: `quality.state` and
 * `routing-module.snapshot` per enterprise × quality, `identity.findAccount` per sender.
 *
 * A look-up is shared by later batches only when it was **started after every message of that
 * batch was delivered** to this process, and at most `maxAgeMs` (1 s) ago. So a message is never
 * judged on facts older than its own arrival: a change made before a message is published (a
 * blocked sender, another technical user, a deleted channel, an ended mandate, even one written
 * straight into a store without any event) is always seen by it, exactly as when every batch asked
 * again. Under a backlog, the batches already delivered (up to the consumer's `max_ack_pending`)
 * share one look-up instead of asking three services each.
 */
import type { ServiceBroker } from 'moleculer';
import type { RoutingSnapshot, StructuredMessageEnvelope } from '@um/contracts';
import { call } from '@um/platform';
import type { Facts } from './decide.js';

/** Look-ups of one kind by key, each remembered with the time it was started. */
export class RecentLookups<A, V> {
  private readonly entries = new Map<string, { startedAt: number; value: Promise<V> }>();

  constructor(
    private readonly fetch: (args: A) => Promise<V>,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A look-up started after `deliveredAt` (in a later millisecond: one started in the same
   * millisecond may have preceded the delivery) and within `maxAgeMs`, else a new one. A failed
   * look-up is not kept.
   */
  get(key: string, args: A, deliveredAt: number): Promise<V> {
    const now = this.now();
    const known = this.entries.get(key);
    if (known && known.startedAt > deliveredAt && now - known.startedAt <= this.maxAgeMs) return known.value;
    const entry = { startedAt: now, value: this.fetch(args) };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  /** Forgets what is too old to be used again (keeps the map as small as the set of active keys). */
  prune(): void {
    const oldest = this.now() - this.maxAgeMs;
    for (const [key, entry] of this.entries) if (entry.startedAt < oldest) this.entries.delete(key);
  }
}

type Scope = { enterpriseNumber: string; type: StructuredMessageEnvelope['quality'] };

export class FactsSource {
  private readonly qualities: RecentLookups<Scope, Facts['quality']>;
  private readonly routings: RecentLookups<Scope, RoutingSnapshot>;
  private readonly accounts: RecentLookups<string, Facts['account']>;

  constructor(broker: ServiceBroker, maxAgeMs: number, now: () => number = Date.now) {
    this.qualities = new RecentLookups((scope) => call(broker, 'quality.state', scope), maxAgeMs, now);
    this.routings = new RecentLookups((scope) => call(broker, 'routing-module.snapshot', scope), maxAgeMs, now);
    this.accounts = new RecentLookups(async (username) => (await call(broker, 'identity.findAccount', { username })) ?? null, maxAgeMs, now);
  }

  /** The facts of each envelope of a batch whose last message was delivered at `deliveredAt`. */
  async of(envelopes: StructuredMessageEnvelope[], deliveredAt: number): Promise<(e: StructuredMessageEnvelope) => Facts> {
    for (const lookups of [this.qualities, this.routings, this.accounts]) lookups.prune();
    const scopes = new Map<string, Scope>();
    const usernames = new Set<string>();
    for (const e of envelopes) {
      const key = `${e.enterpriseNumber}/${e.quality}`;
      if (!scopes.has(key)) scopes.set(key, { enterpriseNumber: e.enterpriseNumber, type: e.quality });
      usernames.add(e.sender.username);
    }
    const qualities = new Map<string, Facts['quality']>();
    const routings = new Map<string, RoutingSnapshot>();
    const accounts = new Map<string, Facts['account']>();
    await Promise.all([
      ...[...scopes].map(async ([key, scope]) => {
        const [quality, routing] = await Promise.all([this.qualities.get(key, scope, deliveredAt), this.routings.get(key, scope, deliveredAt)]);
        qualities.set(key, quality);
        routings.set(key, routing);
      }),
      ...[...usernames].map(async (username) => accounts.set(username, await this.accounts.get(username, username, deliveredAt))),
    ]);
    return (e) => {
      const scope = `${e.enterpriseNumber}/${e.quality}`;
      return { quality: qualities.get(scope)!, routing: routings.get(scope)!, account: accounts.get(e.sender.username) ?? null };
    };
  }
}
