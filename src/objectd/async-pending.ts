/**
 * Async pendings: listing updates that could not be delivered, kept in the device's LevelDB
 * (synced, like any write) and retried by objectd itself every async_retry_interval seconds.
 * Rows merge by timestamp at the receiver, so a retry that duplicates a delivered update is
 * harmless. LevelDB is single-process, so other daemons see pendings only through /recon.
 */
import type { Dispatcher } from 'undici'
import type { Device, DeviceSet } from './device.js'
import { PENDING_PREFIX, prefixRange } from './keys.js'
import type { Logger } from '../common/logger.js'

export interface PendingUpdate {
  /** `ip:port` of the container or account node. */
  host: string
  /** Request path, already percent-encoded: `/device/partition/account[/container]`. */
  path: string
  rows: unknown[]
}

export interface PendingHooks {
  onCountChange?: (delta: number) => void
  onRetryPass?: (summary: { started: number, finished: number, attempted: number, delivered: number }) => void
}

let seq = 0

export class AsyncPendings {
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor (private readonly devices: DeviceSet, private readonly agent: Dispatcher,
    private readonly timeoutMs: number, private readonly log: Logger, private readonly hooks: PendingHooks = {}) {}

  /** Keeps an update on the device; resolves once it is synced. */
  async add (device: Device, update: PendingUpdate): Promise<void> {
    const key = `${PENDING_PREFIX}${Date.now().toString().padStart(15, '0')}/${process.pid}-${seq++}`
    await device.commit.run({ reads: [], apply: (view) => { view.put(key, Buffer.from(JSON.stringify(update))) } })
    this.hooks.onCountChange?.(1)
  }

  /** Counts the pendings of a device (at start-up, for the gauge and /recon). */
  async count (device: Device): Promise<number> {
    let n = 0
    for await (const _ of device.db.keys(prefixRange(PENDING_PREFIX))) n++
    return n
  }

  /** Retries every pending of every open device once. */
  async retryAll (): Promise<void> {
    const started = Date.now() / 1000
    let attempted = 0
    let delivered = 0
    for (const device of await this.devices.openDevices()) {
      for await (const [key, value] of device.db.iterator(prefixRange(PENDING_PREFIX))) {
        attempted++
        const update = JSON.parse(value.toString('utf8')) as PendingUpdate
        if (!await this.deliver(update)) continue
        // The updater daemon may have dropped it meanwhile (DELETE ?async_pending): count it once.
        await this.drop(device, key)
        delivered++
      }
    }
    this.hooks.onRetryPass?.({ started, finished: Date.now() / 1000, attempted, delivered })
  }

  /**
   * Removes one pending update; false when it was already gone. The retry loop here and the
   * updater daemon both drop pendings, and a pending is counted out once, by whoever dropped it.
   */
  async drop (device: Device, key: string): Promise<boolean> {
    const existed = await device.commit.run({
      reads: [key],
      apply: (view) => {
        if (view.get(key) === undefined) return false
        view.del(key)
        return true
      }
    })
    if (existed) this.hooks.onCountChange?.(-1)
    return existed
  }

  /** Sends one update; true when the receiver took it. */
  async deliver (update: PendingUpdate): Promise<boolean> {
    try {
      // origin and path apart: a URL string would lose a container name's `..` (common/name-path.ts).
      const res = await this.agent.request({
        origin: `http://${update.host}`,
        path: update.path,
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(update.rows),
        // undici's own timers, cleared when the answer is in. An AbortSignal.timeout per PATCH
        // kept a timer for the whole node_timeout and built a DOMException when it fired, long
        // after the PATCH had ended: 2 to 4% of a storage node's CPU under small PUTs.
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs
      })
      await res.body.dump()
      return res.statusCode >= 200 && res.statusCode < 300
    } catch (err) {
      this.log.debug({ err, host: update.host, path: update.path }, 'listing update failed')
      return false
    }
  }

  start (intervalSeconds: number): void {
    if (intervalSeconds <= 0) return
    const loop = (): void => {
      if (this.stopped) return
      this.timer = setTimeout(() => {
        this.retryAll().catch((err: unknown) => { this.log.error({ err }, 'async pending retry pass failed') }).finally(loop)
      }, intervalSeconds * 1000)
    }
    loop()
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.timer)
  }
}
