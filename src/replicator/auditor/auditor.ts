/**
 * The auditor: each pass reads every object of every local device at a bounded rate
 * (bytes_per_second per device, devices in parallel, files_per_second for the node) and checks
 * its MD5 against its ETag.
 * - a corrupt object, or a row whose data file is gone, is quarantined by objectd (file moved
 *   to `<device>/quarantined/objects/`, row removed): the suffix hash changes, so the next
 *   replicator pass on a peer pushes a good copy back;
 * - a data file that no row names (a crash between writing the file and committing its row)
 *   is moved aside too, once older than orphan_age.
 * Data files are read straight from the device (this daemon runs on the node); rows, which
 * only objectd can read, come through its audit endpoint.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../../common/logger.js'
import { partHex } from '../../objectd/keys.js'
import { moveToQuarantine, type AuditEntry } from '../../objectd/quarantine.js'
import type { NodeConfig } from '../common/config.js'
import type { PassSummary, Worker } from '../common/daemon.js'
import { localDeviceNames, roleHeaders, type RoleRing } from '../common/local-node.js'
import type { createAuditorMetrics, PassMetrics } from '../common/metrics.js'
import { namePath, type NodeAddress, type NodeClient } from '../common/node-client.js'
import { throttled, TokenBucket } from '../common/throttle.js'

export interface AuditorDeps {
  conf: NodeConfig<'auditor'>
  objectRings: RoleRing[]
  client: NodeClient
  log: Logger
  pass: PassMetrics
  metrics: ReturnType<typeof createAuditorMetrics>
}

interface Tally { objects: number, bytes: number, quarantined: number, orphans: number, errors: number }

/** What limits one device's reads: its own bytes per second and the node's objects per second. */
interface Rates { bytes: TokenBucket, files: TokenBucket }

type Verdict = 'ok' | 'corrupt' | 'missing-data' | 'gone'

export class Auditor implements Worker {
  private readonly local: NodeAddress
  private stopped = false

  constructor (private readonly d: AuditorDeps) {
    this.local = { ip: d.conf.objectd.bind_ip, port: d.conf.objectd.bind_port }
  }

  stop (): void {
    this.stopped = true
  }

  async runOnce (): Promise<PassSummary> {
    const tally: Tally = { objects: 0, bytes: 0, quarantined: 0, orphans: 0, errors: 0 }
    const ring = this.d.objectRings[0].ring
    const devices = await localDeviceNames(ring, this.local.ip, this.local.port, this.d.conf.objectd.devices)
    const files = new TokenBucket(this.d.conf.daemon.files_per_second)
    await Promise.all(devices.map(async (device) => {
      const rates = { bytes: new TokenBucket(this.d.conf.daemon.bytes_per_second), files }
      for (const rr of this.d.objectRings) {
        try {
          await this.auditRole(device, rr, rates, tally)
        } catch (err) {
          this.error(tally, 'device', err, { device, role: rr.label })
        }
      }
    }))
    return { ...tally }
  }

  private error (tally: Tally, step: string, err: unknown, context: Record<string, unknown>): void {
    tally.errors++
    this.d.pass.errors.labels(step).inc()
    this.d.log.warn({ err, ...context }, `audit step ${step} failed`)
  }

  private async auditRole (device: string, rr: RoleRing, rates: Rates, tally: Tally): Promise<void> {
    const headers = roleHeaders(rr)
    const parts = (await this.d.client.json<number[]>(this.local, 'GET', `/${encodeURIComponent(device)}?partitions&role=object`, headers)).value
    for (const part of parts) {
      if (this.stopped) return
      try {
        const hashes = (await this.d.client.json<Record<string, string>>(this.local, 'GET', `/${encodeURIComponent(device)}/${part}?hashes&role=object`, headers)).value
        const named = new Set<string>()
        for (const suffix of Object.keys(hashes)) {
          const entries = (await this.d.client.json<AuditEntry[]>(this.local, 'GET', `/${encodeURIComponent(device)}/${part}?audit&suffix=${suffix}`, headers)).value
          for (const e of entries) {
            if (e.file !== undefined) named.add(e.file)
            await this.auditEntry(device, rr, part, e, rates, tally)
          }
        }
        await this.quarantineOrphans(device, rr, part, named, tally)
      } catch (err) {
        this.error(tally, 'partition', err, { device, part, role: rr.label })
      }
    }
  }

  private async auditEntry (device: string, rr: RoleRing, part: number, e: AuditEntry, rates: Rates, tally: Tally): Promise<void> {
    if (e.deleted || this.stopped) return
    await rates.files.take(1)
    const verdict = await this.check(device, rr, part, e, rates.bytes, tally)
    if (verdict === 'ok' || verdict === 'gone') return
    const headers = { ...roleHeaders(rr), 'x-timestamp': e.data_timestamp, 'x-quarantine-reason': verdict }
    const status = await this.d.client.send(this.local, 'POST', `${namePath(device, part, e.name)}?quarantine`, headers)
    // 404: overwritten or deleted since it was read; the new version is audited next pass.
    if (status !== 204 && status !== 404) throw new Error(`quarantine of ${e.name} answered ${status}`)
    if (status === 204) {
      tally.quarantined++
      this.d.metrics.quarantines.labels(verdict).inc()
      this.d.log.warn({ device, part, name: e.name, reason: verdict }, 'object quarantined')
    }
  }

  /** Reads the object's bytes through the bucket and compares their MD5 with the ETag. */
  private async check (device: string, rr: RoleRing, part: number, e: AuditEntry, bucket: TokenBucket, tally: Tally): Promise<Verdict> {
    const md5 = createHash('md5')
    let source: AsyncIterable<Buffer>
    if (e.file !== undefined) {
      const path = join(this.d.conf.objectd.devices, device, e.file)
      if (await stat(path).then(() => false, () => true)) return 'missing-data'
      source = createReadStream(path)
    } else {
      const res = await this.d.client.raw(this.local, 'GET', namePath(device, part, e.name), roleHeaders(rr))
      if (res.status !== 200) {
        await res.body.dump()
        return 'gone'
      }
      source = res.body
    }
    let size = 0
    try {
      for await (const chunk of throttled(source, bucket, (n) => { tally.bytes += n; this.d.metrics.bytesAudited.inc(n) })) {
        md5.update(chunk)
        size += chunk.length
      }
    } catch (err) {
      // Unlinked between the stat and the read: overwritten meanwhile.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone'
      throw err
    }
    tally.objects++
    this.d.metrics.objectsAudited.inc()
    return md5.digest('hex') === e.etag && size === e.size ? 'ok' : 'corrupt'
  }

  /**
   * Data files of the partition that no row named when it was read (`named`), old enough not
   * to be a write whose row is still in flight.
   */
  private async quarantineOrphans (device: string, rr: RoleRing, part: number, named: Set<string>, tally: Tally): Promise<void> {
    const devicePath = join(this.d.conf.objectd.devices, device)
    const partDir = `${rr.policy === 0 ? 'objects' : `objects-${rr.policy}`}/${partHex(part)}`
    for (const suffix of await readdir(join(devicePath, partDir)).catch(() => [] as string[])) {
      const cutoff = Date.now() - this.d.conf.daemon.orphan_age * 1000
      for (const file of await readdir(join(devicePath, partDir, suffix)).catch(() => [] as string[])) {
        const rel = `${partDir}/${suffix}/${file}`
        if (!file.endsWith('.data') || named.has(rel)) continue
        const st = await stat(join(devicePath, rel)).catch(() => undefined)
        if (st === undefined || st.mtimeMs >= cutoff) continue
        await moveToQuarantine(devicePath, rel)
        tally.orphans++
        this.d.metrics.quarantines.labels('orphan-data').inc()
      }
    }
  }
}
