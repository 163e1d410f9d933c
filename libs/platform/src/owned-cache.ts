/**
 * Records a service owns, kept in its memory between reads, so that the same records read again
 * and again (a person's own data on every page of the console, a quality's state on every manager
 * request) cost no store query. The owner of the records keeps such a cache, and it is told of
 * every write because it makes them; a service that asks the owner for them on every request may
 * keep one under the same name that follows the owner's drops (user-management follows
 * `quality.states`, the gateway `identity.persons`; contracts' CACHES), with the same guarantees:
 * - the instance making a write drops the records it touched before it answers, and broadcasts the
 *   drop (`cache.dropped`) to every other instance, which drops them on receipt;
 * - a value read from the store while a drop happened is not kept (ExpiringMap.generation), so a
 *   read that started before a write never outlives it;
 * - an entry is believed for at most `ttlMs` even when a broadcast was missed (an instance cut
 *   from NATS), after which the store is read again.
 * Bounded in size (the oldest entries go first); `ttlMs` 0 turns it off.
 */
import type { Context, ServiceBroker } from 'moleculer';
import type { PayloadOf } from '@um/contracts';
import { broadcastEvent } from './actions.js';
import { ExpiringMap } from './expiring-map.js';

/** Keys of one broadcast: the event's bound (a larger change is sent in several). */
const KEYS_PER_DROP = 1_000;

export class OwnedCache<V> {
  private readonly entries: ExpiringMap<string, V>;
  private readonly loading = new Map<string, { generation: number; value: Promise<V | undefined> }>();

  constructor(
    /** The cache's name in `cache.dropped` broadcasts (`<service>.<records>`). */
    readonly name: string,
    private readonly ttlMs: number,
    maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new ExpiringMap(maxEntries);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The record of `key`: from memory when read since its last change, else `load`ed (and kept unless
   * undefined) until `ttlMs` from now or the instant `holdsUntil` gives, whichever comes first.
   * Concurrent reads of one key share a load, as long as no drop happened since it began.
   */
  read(key: string, load: () => Promise<V | undefined>, holdsUntil?: (value: V) => number | undefined): Promise<V | undefined> {
    if (this.ttlMs <= 0) return load();
    const hit = this.entries.get(key, this.now());
    if (hit !== undefined) return Promise.resolve(hit);
    const generation = this.entries.generation;
    const shared = this.loading.get(key);
    if (shared && shared.generation === generation) return shared.value;
    const value = load().then((loaded) => {
      // A value that says when it stops holding (a validity bound) is not kept past that instant.
      if (loaded !== undefined) this.entries.set(key, loaded, Math.min(this.now() + this.ttlMs, holdsUntil?.(loaded) ?? Infinity), generation);
      return loaded;
    });
    const entry = { generation, value };
    this.loading.set(key, entry);
    const done = () => {
      if (this.loading.get(key) === entry) this.loading.delete(key);
    };
    value.then(done, done);
    return value;
  }

  /** Drops these records here (a write of this instance, or another's broadcast). */
  forget(keys: readonly string[]): void {
    for (const key of keys) {
      this.entries.delete(key);
      this.loading.delete(key);
    }
  }

  /** After a write to these records: dropped here at once, and on every other instance. */
  async changed(broadcaster: Pick<ServiceBroker, 'broadcast'> | Pick<Context, 'broadcast'>, keys: readonly string[]): Promise<void> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return;
    this.forget(unique);
    for (let i = 0; i < unique.length; i += KEYS_PER_DROP) {
      await broadcastEvent(broadcaster, 'cache.dropped', { cache: this.name, keys: unique.slice(i, i + KEYS_PER_DROP) });
    }
  }

  /** The `cache.dropped` handler's part: this cache's drops, others' ignored. */
  onDropped({ cache, keys }: PayloadOf<'cache.dropped'>): void {
    if (cache === this.name) this.forget(keys);
  }
}
