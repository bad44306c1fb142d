/**
 * The expirer: each pass asks the local objectd for the live objects whose X-Delete-At has
 * passed and deletes each local replica with a tombstone and a listing update, as a client's
 * DELETE would. Every replica's expirer does the same for its own copy, at the same tombstone
 * timestamp (the X-Delete-At, or just after the object's last write when that is later), so
 * replicas agree without any coordination and each container replica gets its row from the
 * object replica of the same index.
 */
import type { Logger } from '../../common/logger.js'
import { normalizeTimestamp } from '../../common/timestamp.js'
import type { ExpiringEntry } from '../../objectd/quarantine.js'
import type { NodeConfig } from '../common/config.js'
import type { PassSummary, Worker } from '../common/daemon.js'
import { isLocal, localDeviceNames, type RoleRing } from '../common/local-node.js'
import type { createExpirerMetrics, PassMetrics } from '../common/metrics.js'
import { namePath, type NodeAddress, type NodeClient } from '../common/node-client.js'

export interface ExpirerDeps {
  conf: NodeConfig<'expirer'>
  objectRings: Map<number, RoleRing>
  containerRing: RoleRing
  client: NodeClient
  log: Logger
  pass: PassMetrics
  metrics: ReturnType<typeof createExpirerMetrics>
}

/** The tombstone's timestamp: X-Delete-At, unless the object was written after that. */
export function expiryTimestamp (e: ExpiringEntry): string {
  const at = normalizeTimestamp(Number(e.delete_at))
  return at > e.timestamp ? at : normalizeTimestamp(Number(e.timestamp) + 0.00001)
}

export class Expirer implements Worker {
  private readonly local: NodeAddress

  constructor (private readonly d: ExpirerDeps) {
    this.local = { ip: d.conf.objectd.bind_ip, port: d.conf.objectd.bind_port }
  }

  async runOnce (): Promise<PassSummary> {
    const tally = { found: 0, expired: 0, errors: 0 }
    for (const device of await localDeviceNames(this.d.containerRing.ring, this.local.ip, this.local.port, this.d.conf.objectd.devices)) {
      let entries: ExpiringEntry[]
      try {
        entries = (await this.d.client.json<ExpiringEntry[]>(this.local, 'GET', `/${encodeURIComponent(device)}?expiring&limit=${this.d.conf.daemon.batch}`)).value
      } catch (err) {
        tally.errors++
        this.d.pass.errors.labels('list-expiring').inc()
        this.d.log.warn({ err, device }, 'cannot read the expiring objects of a device')
        continue
      }
      tally.found += entries.length
      for (const e of entries) {
        try {
          if (await this.expire(device, e)) tally.expired++
        } catch (err) {
          tally.errors++
          this.d.pass.errors.labels('expire').inc()
          this.d.log.warn({ err, device, name: e.name }, 'cannot expire an object')
        }
      }
    }
    return tally
  }

  /** The container replica at this object replica's index gets the listing update. */
  private containerHeaders (device: string, e: ExpiringEntry): Record<string, string> {
    const [account, container] = e.name.split('/')
    const primaries = this.d.objectRings.get(e.policy)?.ring.getPartNodes(e.part) ?? []
    const index = Math.max(0, primaries.findIndex((p) => p.device === device && isLocal(p, this.local.ip, this.local.port)))
    const c = this.d.containerRing.ring.getNodes(account, container)
    const cnode = c.nodes[index % c.nodes.length]
    return { 'x-container-host': `${cnode.ip}:${cnode.port}`, 'x-container-device': cnode.device, 'x-container-partition': String(c.part) }
  }

  private async expire (device: string, e: ExpiringEntry): Promise<boolean> {
    const headers = {
      ...this.containerHeaders(device, e),
      'x-timestamp': expiryTimestamp(e),
      'x-backend-storage-policy-index': String(e.policy)
    }
    const status = await this.d.client.send(this.local, 'DELETE', namePath(device, e.part, e.name), headers)
    // 409: written again since; the new version has its own expiry, if any.
    if (status === 409) return false
    if (status !== 204 && status !== 404) throw new Error(`DELETE ${e.name} on the local objectd answered ${status}`)
    this.d.metrics.expired.inc()
    return true
  }
}
