/**
 * The version of each ring file this node has, for /recon and /metrics: `ringstore status`
 * compares them across nodes to catch a node that missed a ring push. objectd does not place
 * anything by the rings, so it does not keep them loaded: a file is read again only when its
 * mtime, size or inode changed, and only its version is kept.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { objectRingName, type ClusterConfig } from '../common/config.js'
import { loadRingFile } from '../ring/index.js'

interface Seen { stamp: string, version: string }

export class RingVersions {
  private readonly seen = new Map<string, Seen>()

  constructor (private readonly cluster: ClusterConfig) {}

  /** Ring name (account, container, object, object-1, ...) → version, or `error: ...` when unreadable. */
  async read (): Promise<Record<string, string>> {
    const names = ['account', 'container', ...this.cluster.policies.map((p) => objectRingName(p.index))]
    const out: Record<string, string> = {}
    for (const name of names) out[name] = await this.versionOf(name)
    return out
  }

  private async versionOf (name: string): Promise<string> {
    const file = join(this.cluster.ring_dir, `${name}.ring.gz`)
    try {
      const s = await stat(file)
      const stamp = `${s.mtimeMs}:${s.size}:${s.ino}`
      const cached = this.seen.get(name)
      if (cached?.stamp === stamp) return cached.version
      const ring = await loadRingFile(file, { prefix: this.cluster.hash_path_prefix, suffix: this.cluster.hash_path_suffix })
      this.seen.set(name, { stamp, version: ring.version })
      return ring.version
    } catch (err) {
      this.seen.delete(name)
      return `error: ${(err as Error).message}`
    }
  }
}
