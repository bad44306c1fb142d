/**
 * Background housekeeping, once at start and then every housekeeping_interval seconds:
 * - object tombstones and deleted container rows older than reclaim_age are removed (through
 *   the group commit, so the suffix hashes move with them);
 * - data files that no row names are removed: a crash between the rename and the row's commit,
 *   or between a commit and the removal of the version it replaced, leaves such an orphan. Files
 *   newer than the pass's start are left alone, since their row may be in flight.
 */
import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Device } from './device.js'
import { objectKey, prefixRange } from './keys.js'
import { decodeMeta } from './object-record.js'
import type { Services } from './services.js'

const DATA_FILE_RE = /^([0-9a-f]{16})-\d{10}\.\d{5}-[0-9a-f]+\.data$/
const DATA_DIR_RE = /^objects(?:-(\d+))?$/

export class Housekeeping {
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor (private readonly s: Services) {}

  start (intervalSeconds: number): void {
    const loop = (delayMs: number): void => {
      if (this.stopped) return
      this.timer = setTimeout(() => {
        this.runOnce().catch((err: unknown) => { this.s.log.error({ err }, 'housekeeping pass failed') })
          .finally(() => { loop(intervalSeconds * 1000) })
      }, delayMs)
    }
    loop(0)
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.timer)
  }

  async runOnce (): Promise<void> {
    const started = Date.now()
    const summary = { started: started / 1000, finished: 0, tombstones_reclaimed: 0, rows_reclaimed: 0, orphans_removed: 0 }
    for (const device of await this.s.devices.openDevices()) {
      if (this.stopped) return
      summary.tombstones_reclaimed += await this.reclaimObjects(device)
      summary.rows_reclaimed += await this.reclaimContainerRows(device)
      summary.orphans_removed += await this.removeOrphans(device, started)
    }
    summary.finished = Date.now() / 1000
    await this.s.recon.report('objectd-housekeeping', summary)
  }

  private cutoff (): string {
    return (Date.now() / 1000 - this.s.conf.reclaim_age).toFixed(5).padStart(16, '0')
  }

  private async reclaimObjects (device: Device): Promise<number> {
    const cutoff = this.cutoff()
    let n = 0
    // Object rows are the keys from 'o' up to (not including) 'p'.
    for await (const [key, value] of device.db.iterator({ gte: 'o', lt: 'p' })) {
      if (this.stopped) break
      const meta = decodeMeta(value)
      if (meta.deleted !== true || meta.ts >= cutoff) continue
      const [role, part, , hash] = key.split('/')
      await this.s.objects.reclaim(device, key, Number(role.slice(1)), parseInt(part, 16), hash, meta.ts)
      n++
    }
    return n
  }

  private async reclaimContainerRows (device: Device): Promise<number> {
    const cutoff = this.cutoff()
    const prefix = 'cr/'
    let n = 0
    for await (const [key, value] of device.db.iterator(prefixRange(prefix))) {
      if (this.stopped) break
      const row = JSON.parse(value.toString('utf8')) as { timestamp: string, deleted: boolean }
      if (!row.deleted || row.timestamp >= cutoff) continue
      // cr/<part>/<hash>/<name>: the name may itself contain '/'.
      const part = key.slice(3, 11)
      const hash = key.slice(12, 28)
      const ref = this.s.containers.refFromHash(device, parseInt(part, 16), hash)
      await this.s.containers.reclaimRow(ref, key.slice(29), row.timestamp)
      n++
    }
    return n
  }

  private async removeOrphans (device: Device, startedMs: number): Promise<number> {
    let n = 0
    const top = await readdir(device.path).catch(() => [])
    for (const dirName of top) {
      const m = DATA_DIR_RE.exec(dirName)
      if (m === null) continue
      const policy = Number(m[1] ?? 0)
      for (const part of await readdir(join(device.path, dirName)).catch(() => [])) {
        for (const suffix of await readdir(join(device.path, dirName, part)).catch(() => [])) {
          const dir = join(device.path, dirName, part, suffix)
          for (const file of await readdir(dir).catch(() => [])) {
            if (this.stopped) return n
            const fm = DATA_FILE_RE.exec(file)
            if (fm === null) continue
            const rel = `${dirName}/${part}/${suffix}/${file}`
            const value = await device.db.get(objectKey(policy, parseInt(part, 16), fm[1]))
            if (value !== undefined && decodeMeta(value).file === rel) continue
            const st = await stat(join(dir, file)).catch(() => undefined)
            if (st === undefined || st.mtimeMs >= startedMs) continue
            await rm(join(dir, file), { force: true })
            n++
          }
        }
      }
    }
    return n
  }
}
