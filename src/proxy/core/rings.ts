/**
 * The rings a proxy places by: account, container, and one object ring per storage policy.
 * Each reloads itself when its file changes, so a rebalance reaches running proxies.
 */
import { join } from 'node:path'
import { objectRingName, type ClusterConfig, type PolicyConfig } from '../../common/config.js'
import { openRing, type Ring, type ReloadingRing } from '../../ring/index.js'

export class Rings {
  private constructor (
    readonly account: ReloadingRing,
    readonly container: ReloadingRing,
    private readonly objects: Map<number, ReloadingRing>
  ) {}

  static async open (cluster: ClusterConfig, reloadIntervalMs = 15000): Promise<Rings> {
    const secrets = { prefix: cluster.hash_path_prefix, suffix: cluster.hash_path_suffix }
    const open = async (name: string): Promise<ReloadingRing> =>
      await openRing(join(cluster.ring_dir, `${name}.ring.gz`), secrets, { reloadIntervalMs })
    const objects = new Map<number, ReloadingRing>()
    for (const policy of cluster.policies) objects.set(policy.index, await open(objectRingName(policy.index)))
    return new Rings(await open('account'), await open('container'), objects)
  }

  /** The object ring of a policy; undefined for a policy this proxy does not know. */
  object (policy: PolicyConfig | number): Ring | undefined {
    return this.objects.get(typeof policy === 'number' ? policy : policy.index)
  }

  close (): void {
    this.account.close()
    this.container.close()
    for (const ring of this.objects.values()) ring.close()
  }
}
