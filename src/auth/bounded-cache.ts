/**
 * A small in-memory cache with a time to live per entry and a bound on entries; when full, the
 * least recently used entry goes first (a Map keeps insertion order; a hit re-inserts). Used for
 * Keystone answers and verified tempauth tokens, so a flood of distinct tokens cannot grow the
 * proxy's memory.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V, expires: number }>()

  constructor (private readonly maxEntries: number) {}

  get (key: string): V | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    this.entries.delete(key)
    if (entry.expires <= Date.now()) return undefined
    this.entries.set(key, entry)
    return entry.value
  }

  /** Keeps `value` until `expires` (ms since the epoch). */
  set (key: string, value: V, expires: number): void {
    if (expires <= Date.now() || this.maxEntries <= 0) return
    this.entries.delete(key)
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) break
      this.entries.delete(oldest)
    }
    this.entries.set(key, { value, expires })
  }

  get size (): number {
    return this.entries.size
  }
}
