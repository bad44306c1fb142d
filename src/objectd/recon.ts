/**
 * The recon view: disk usage per device, async pending count, the version of each ring file, and
 * the last pass of each background daemon. Daemons report a pass with `PUT /recon/<daemon>` (a
 * JSON object); reports persist in recon_cache_path so they survive a restart.
 */
import { readFile, rename, statfs, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DeviceSet } from './device.js'
import type { RingVersions } from './ring-versions.js'

export type DaemonSummary = Record<string, unknown>
export type DeviceUsage = { size: number, used: number, available: number } | { error: string }

export class Recon {
  private daemons: Record<string, DaemonSummary> = {}
  private asyncPending = 0
  private saving: Promise<void> = Promise.resolve()

  constructor (private readonly devices: DeviceSet, private readonly cachePath: string, private readonly rings: RingVersions) {}

  async load (): Promise<void> {
    try {
      this.daemons = JSON.parse(await readFile(this.cachePath, 'utf8')) as Record<string, DaemonSummary>
    } catch {
      this.daemons = {}
    }
  }

  addAsyncPending (delta: number): void {
    this.asyncPending += delta
  }

  /** Records a daemon's last pass and persists it (atomically: temp file, then rename). */
  async report (daemon: string, summary: DaemonSummary): Promise<void> {
    this.daemons[daemon] = summary
    const text = JSON.stringify(this.daemons)
    const saved = this.saving.then(async () => {
      const tmp = `${this.cachePath}.tmp`
      await writeFile(tmp, text)
      await rename(tmp, this.cachePath)
    })
    // A failed save must not block the next ones.
    this.saving = saved.catch(() => {})
    await saved
  }

  async view (): Promise<Record<string, unknown>> {
    return { devices: await this.deviceUsage(), async_pending: this.asyncPending, rings: await this.rings.read(), daemons: this.daemons }
  }

  async deviceUsage (): Promise<Record<string, DeviceUsage>> {
    const devices: Record<string, DeviceUsage> = {}
    for (const name of await this.devices.listNames()) {
      try {
        const s = await statfs(join(this.devices.root, name))
        devices[name] = { size: s.blocks * s.bsize, used: (s.blocks - s.bfree) * s.bsize, available: s.bavail * s.bsize }
      } catch (err) {
        devices[name] = { error: (err as Error).message }
      }
    }
    return devices
  }
}
