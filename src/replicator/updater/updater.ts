/**
 * The updater: each pass reads the async pendings of every local device from objectd (listing
 * updates that could not be delivered when the object was written), sends each to its
 * container or account node, and removes the ones that were taken. Rows merge by timestamp at
 * the receiver, so a delivery that races objectd's own retry is harmless.
 */
import PQueue from 'p-queue'
import type { Logger } from '../../common/logger.js'
import type { PendingUpdate } from '../../objectd/async-pending.js'
import type { NodeConfig } from '../common/config.js'
import type { PassSummary, Worker } from '../common/daemon.js'
import type { createUpdaterMetrics, PassMetrics } from '../common/metrics.js'
import type { NodeAddress, NodeClient } from '../common/node-client.js'
import { localDeviceNames, type RoleRing } from '../common/local-node.js'

/** Pendings read per device per pass; the rest wait for the next pass. */
const PAGE = 10000

interface Pending extends PendingUpdate { key: string }

export interface UpdaterDeps {
  conf: NodeConfig<'updater'>
  ring: RoleRing
  client: NodeClient
  log: Logger
  pass: PassMetrics
  metrics: ReturnType<typeof createUpdaterMetrics>
}

export class Updater implements Worker {
  private readonly local: NodeAddress

  constructor (private readonly d: UpdaterDeps) {
    this.local = { ip: d.conf.objectd.bind_ip, port: d.conf.objectd.bind_port }
  }

  async runOnce (): Promise<PassSummary> {
    const tally = { found: 0, delivered: 0, failed: 0, errors: 0 }
    const queue = new PQueue({ concurrency: this.d.conf.daemon.concurrency })
    for (const device of await localDeviceNames(this.d.ring.ring, this.local.ip, this.local.port, this.d.conf.objectd.devices)) {
      let pendings: Pending[]
      try {
        pendings = (await this.d.client.json<Pending[]>(this.local, 'GET', `/${encodeURIComponent(device)}?async_pending&limit=${PAGE}`)).value
      } catch (err) {
        tally.errors++
        this.d.pass.errors.labels('list-pendings').inc()
        this.d.log.warn({ err, device }, 'cannot read the async pendings of a device')
        continue
      }
      tally.found += pendings.length
      for (const p of pendings) {
        void queue.add(async () => {
          if (await this.deliver(device, p)) tally.delivered++
          else tally.failed++
        })
      }
    }
    await queue.onIdle()
    this.d.metrics.pending.set(tally.found - tally.delivered)
    return tally
  }

  /** Sends one pending and removes it once taken; false when it stays for the next pass. */
  private async deliver (device: string, p: Pending): Promise<boolean> {
    try {
      const [ip, port] = [p.host.slice(0, p.host.lastIndexOf(':')), Number(p.host.slice(p.host.lastIndexOf(':') + 1))]
      const status = await this.d.client.send({ ip, port }, 'PATCH', p.path, { 'content-type': 'application/json' }, JSON.stringify(p.rows))
      if (status < 200 || status >= 300) {
        this.d.metrics.failed.inc()
        return false
      }
      const dropped = await this.d.client.send(this.local, 'DELETE', `/${encodeURIComponent(device)}?async_pending=${encodeURIComponent(p.key)}`, { 'x-backend-replication': 'true' })
      // 404: objectd's own retry delivered and removed it meanwhile.
      if (dropped !== 204 && dropped !== 404) throw new Error(`removing async pending ${p.key}: local objectd answered ${dropped}`)
      this.d.metrics.delivered.inc()
      return true
    } catch (err) {
      this.d.metrics.failed.inc()
      this.d.log.debug({ err, host: p.host, path: p.path }, 'async pending not delivered')
      return false
    }
  }
}
