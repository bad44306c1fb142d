/**
 * A short-lived per-proxy cache of container and account facts (existence, policy, ACLs,
 * quotas, stats). Every object request needs its container's policy; asking the container
 * nodes each time would double the internal requests of a small PUT. Entries live
 * `info_cache_ttl` seconds and a proxy drops its own entry when it changes the container.
 */
export class InfoCache<V> {
  private readonly entries = new Map<string, { value: V, expires: number }>()

  constructor (private readonly ttlMs: number, private readonly maxEntries = 100_000) {}

  get (key: string): V | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expires < Date.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry.value
  }

  set (key: string, value: V): void {
    if (this.ttlMs <= 0) return
    if (this.entries.size >= this.maxEntries) this.entries.clear()
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs })
  }

  delete (key: string): void {
    this.entries.delete(key)
  }
}
