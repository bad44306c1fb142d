/**
 * Error limiting, as Swift's error_suppression: a storage node that failed `limit` times within
 * `interval` seconds is skipped for `interval` seconds, so one dead disk or a slow site does not
 * cost every request a timeout. A failed answer (507, 5xx) counts against the device; a timeout
 * or a connection failure counts against the whole storage node, since every device behind a
 * hung or dead process fails alike.
 */
import type { Device } from '../../ring/index.js'

interface NodeErrors {
  count: number
  /** ms; errors older than the interval are forgotten. */
  lastError: number
}

export class NodeHealth {
  private readonly errors = new Map<string, NodeErrors>()

  constructor (private readonly limit: number, private readonly intervalMs: number) {}

  static key (node: Device): string {
    return `${node.ip}:${node.port}/${node.device}`
  }

  recordError (node: Device, wholeNode = false): void {
    const key = wholeNode ? NodeHealth.hostKey(node) : NodeHealth.key(node)
    const now = Date.now()
    const entry = this.errors.get(key)
    if (entry === undefined || now - entry.lastError > this.intervalMs) {
      this.errors.set(key, { count: 1, lastError: now })
    } else {
      entry.count++
      entry.lastError = now
    }
  }

  isLimited (node: Device): boolean {
    return this.limitedBy(NodeHealth.key(node)) || this.limitedBy(NodeHealth.hostKey(node))
  }

  private static hostKey (node: Device): string {
    return `${node.ip}:${node.port}`
  }

  private limitedBy (key: string): boolean {
    const entry = this.errors.get(key)
    if (entry === undefined) return false
    if (Date.now() - entry.lastError > this.intervalMs) {
      this.errors.delete(key)
      return false
    }
    return entry.count >= this.limit
  }
}
