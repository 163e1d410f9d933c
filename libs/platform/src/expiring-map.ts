/**
 * A bounded map whose entries are believed until a time of their own: the building block of the
 * short-lived session caches (identity's, and the gateway's in front of it). An entry past its time
 * is never answered; the oldest entries go first when the map is full.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; freshUntil: number }>();

  /**
   * Counts the removals asked for (delete, deleteWhere). A value read from its source while
   * a removal happened may predate what the removal stands for: `set` with the generation seen before
   * the read keeps nothing then.
   */
  generation = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value of a fresh entry with when it stops being fresh, or nothing (an expired entry is dropped). */
  entry(key: K, now: number): { value: V; freshUntil: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.freshUntil <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  get(key: K, now: number): V | undefined {
    return this.entry(key, now)?.value;
  }

  /** Keeps `value` until `freshUntil`, unless a removal was asked for since `generationBefore` (when given). */
  set(key: K, value: V, freshUntil: number, generationBefore?: number): void {
    if (generationBefore !== undefined && generationBefore !== this.generation) return;
    this.entries.delete(key);
    this.entries.set(key, { value, freshUntil });
    // Map keeps insertion order: the first keys are the oldest.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: K): void {
    this.generation += 1;
    this.entries.delete(key);
  }

  /** Drops every entry whose value matches. */
  deleteWhere(matches: (value: V) => boolean): void {
    this.generation += 1;
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key);
  }
}
